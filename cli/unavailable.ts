import { SecretReadError } from '../lambdas/aws/index.js';
import { ClusterUnavailableError, KubeRequestError } from '../lambdas/cluster/index.js';
import { KubeCallError, ObjectBusyError, StateStoreError } from '../lambdas/incident-response/index.js';
import { GitHubCredentialsError, GitHubError, RepositoryHostError } from '../lambdas/revert/index.js';

/** Socket and DNS failures (Node and undici codes): the service could not be reached. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
]);

/** Errors the AWS SDK raises before or instead of a service's answer (credentials, time-outs). */
const SDK_ERROR_NAMES = new Set(['CredentialsProviderError', 'TokenProviderError', 'TimeoutError']);

/** fluxguard's own errors for a service that failed or refused; their messages already say which. */
function isFluxguardUnavailable(error: Error): boolean {
  return (
    error instanceof ObjectBusyError ||
    error instanceof StateStoreError ||
    error instanceof ClusterUnavailableError ||
    error instanceof KubeRequestError ||
    error instanceof KubeCallError ||
    error instanceof GitHubError ||
    error instanceof GitHubCredentialsError ||
    error instanceof RepositoryHostError ||
    error instanceof SecretReadError
  );
}

function causes(error: Error): Error[] {
  const chain: Error[] = [];
  let current: unknown = error;
  while (current instanceof Error && chain.length < 5 && !chain.includes(current)) {
    chain.push(current);
    current = current.cause;
  }
  return chain;
}

const firstLine = (text: string) => (text.split('\n')[0] ?? '').replace(/\s+/g, ' ').trim();

/**
 * Why a service fluxguard needs was unavailable, in one line, when `error` says so: an AWS SDK
 * error (any service answer, missing credentials, a time-out), a connection that failed (refused,
 * reset, DNS), one of fluxguard's errors for the state table, the cluster or GitHub, or another
 * worker holding the object (`ObjectBusyError`). `undefined` for anything else (a bug).
 */
export function unavailableReason(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const chain = causes(error);
  const own = isFluxguardUnavailable(error);
  const sdk = chain.some((e) => '$metadata' in e || '$fault' in e || SDK_ERROR_NAMES.has(e.name));
  const network = chain.some((e) => NETWORK_CODES.has(String((e as { code?: unknown }).code)));
  if (!own && !sdk && !network) return undefined;
  let line = firstLine(error.message) || error.name;
  if (!own && error.name !== 'Error' && !line.startsWith(error.name)) line = `${error.name}: ${line}`;
  const cause = chain[1];
  const causeLine = cause ? firstLine(cause.message) : '';
  if (causeLine && !line.includes(causeLine)) line = `${line} (${causeLine})`;
  return line;
}
