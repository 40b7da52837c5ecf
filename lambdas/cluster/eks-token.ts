import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

/** The prefix EKS (aws-iam-authenticator) expects in front of the base64url presigned URL. */
export const EKS_TOKEN_PREFIX = 'k8s-aws-v1.';
/** How long the presigned URL is valid, in seconds: `aws eks get-token` uses 60. */
export const PRESIGN_SECONDS = 60;
/** The expiry `aws eks get-token` advertises: EKS accepts a token for 15 minutes, clients renew at 14. */
export const TOKEN_LIFETIME_MS = 14 * 60_000;
/** fluxguard renews its cached token this long before {@link TOKEN_LIFETIME_MS} ends. */
export const RENEW_MARGIN_MS = 60_000;

/** What a token is signed with. */
export interface EksTokenInput {
  /** The EKS cluster name; signed as the `x-k8s-aws-id` header. */
  clusterName: string;
  /** The region whose regional STS endpoint is presigned, e.g. `eu-west-1`. */
  region: string;
  credentials: AwsCredentialIdentity;
  /** The signing time; defaults to now. */
  signingDate?: Date;
}

/** A bearer token for the Kubernetes API of an EKS cluster. */
export interface EksToken {
  /** `k8s-aws-v1.` + base64url (no padding) of the presigned STS URL. */
  token: string;
  /** When clients should stop using it: signing time + 14 minutes, as `aws eks get-token` says. */
  expiresAt: Date;
}

/** Encodes like RFC 3986 / SigV4 (what botocore emits in presigned query strings). */
function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * Makes an EKS bearer token exactly as `aws eks get-token` does: STS `GetCallerIdentity` on the
 * regional endpoint, presigned with SigV4 for 60 s, with `x-k8s-aws-id: <cluster>` signed.
 *
 * The query parameters are ordered as botocore orders them (sorted, signature last), so the same
 * credentials, region and time give byte-identical tokens.
 */
export async function createEksToken({
  clusterName,
  region,
  credentials,
  signingDate = new Date(),
}: EksTokenInput): Promise<EksToken> {
  const hostname = `sts.${region}.amazonaws.com`;
  const signer = new SignatureV4({
    service: 'sts',
    region,
    credentials,
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: true,
  });
  const request = new HttpRequest({
    method: 'GET',
    protocol: 'https:',
    hostname,
    path: '/',
    query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
    headers: { host: hostname, 'x-k8s-aws-id': clusterName },
  });
  const signed = await signer.presign(request, { expiresIn: PRESIGN_SECONDS, signingDate });
  const params = Object.entries(signed.query ?? {})
    .flatMap(
      ([key, value]): Array<[string, string]> =>
        Array.isArray(value) ? value.map((v): [string, string] => [key, v]) : [[key, value ?? '']],
    )
    .sort(([a], [b]) => {
      if (a === 'X-Amz-Signature') return 1;
      if (b === 'X-Amz-Signature') return -1;
      return a < b ? -1 : a > b ? 1 : 0;
    })
    .map(([key, value]) => `${rfc3986(key)}=${rfc3986(value)}`)
    .join('&');
  const url = `https://${hostname}/?${params}`;
  return {
    token: EKS_TOKEN_PREFIX + Buffer.from(url, 'utf8').toString('base64url'),
    expiresAt: new Date(signingDate.getTime() + TOKEN_LIFETIME_MS),
  };
}

/** The ExecCredential API versions kubectl may ask for in `KUBERNETES_EXEC_INFO`. */
export type ExecCredentialApiVersion =
  | 'client.authentication.k8s.io/v1beta1'
  | 'client.authentication.k8s.io/v1';

/**
 * The `ExecCredential` object `aws eks get-token` prints, so `fluxguard token` can serve as a
 * kubectl exec credential plugin. Like the AWS CLI it answers `v1beta1` unless asked for `v1`.
 */
export function execCredential(
  { token, expiresAt }: EksToken,
  apiVersion: ExecCredentialApiVersion = 'client.authentication.k8s.io/v1beta1',
): {
  kind: 'ExecCredential';
  apiVersion: ExecCredentialApiVersion;
  spec: Record<string, never>;
  status: { expirationTimestamp: string; token: string };
} {
  return {
    kind: 'ExecCredential',
    apiVersion,
    spec: {},
    status: { expirationTimestamp: expiresAt.toISOString().replace(/\.\d{3}Z$/, 'Z'), token },
  };
}

/** Options for {@link EksTokenProvider}. */
export interface EksTokenProviderOptions {
  clusterName: string;
  region: string;
  /** Where credentials come from; defaults to the SDK's default (Node) credential chain. */
  credentials?: AwsCredentialIdentityProvider;
  /** The clock; tests pass their own. */
  now?: () => Date;
}

/**
 * Hands out an EKS token, cached and renewed one minute before its 14-minute lifetime ends, so a
 * token is never used after 13 minutes. Concurrent callers share one signing.
 */
export class EksTokenProvider {
  readonly #options: Required<Pick<EksTokenProviderOptions, 'clusterName' | 'region' | 'now'>> & {
    credentials: AwsCredentialIdentityProvider;
  };
  #current?: Promise<EksToken>;
  #renewAt = 0;

  constructor({ clusterName, region, credentials, now = () => new Date() }: EksTokenProviderOptions) {
    this.#options = { clusterName, region, now, credentials: credentials ?? defaultProvider() };
  }

  /** A token valid for at least one more minute. */
  async token(): Promise<string> {
    const now = this.#options.now();
    if (!this.#current || now.getTime() >= this.#renewAt) {
      this.#renewAt = now.getTime() + TOKEN_LIFETIME_MS - RENEW_MARGIN_MS;
      const { clusterName, region } = this.#options;
      this.#current = this.#options
        .credentials()
        .then((credentials) => createEksToken({ clusterName, region, credentials, signingDate: now }));
      this.#current.catch(() => {
        this.#current = undefined;
      });
    }
    return (await this.#current).token;
  }
}
