/**
 * What the resilience tests share: delivering one message as the worker's FIFO queue would (three
 * receives, then the dead-letter queue), counting reverts on the branch, and DynamoDB fault rules
 * that pick a write by the keys it writes.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbStateStore, type IncidentOutcome } from '../../../lambdas/incident-response/index.js';
import type { IncidentInput } from '../../../lambdas/incidents/index.js';
import type { DynamoDbFault, DynamoDbFaultAnswer } from '../../../sandbox/index.js';
import type { World } from '../../lambdas/incident-response/support/world.js';

/** The queue's `maxReceiveCount`: after this many receives a message goes to the dead-letter queue. */
export const MAX_RECEIVES = 3;

/** What became of one message. */
export interface Delivery {
  outcomes: IncidentOutcome[];
  /** What the receives that threw threw, in order. */
  thrown: unknown[];
  deadLettered: boolean;
}

/** The Flux event of a failed rollout of `failing` (Kustomization flux-system/apps). */
export function failedRollout(x: World, failing: string): IncidentInput {
  return x.flux({ reason: 'HealthCheckFailed', severity: 'error', revision: `main@sha1:${failing}` });
}

/**
 * Delivers one message like the FIFO queue: a throw or a `failed` outcome is received again after
 * the visibility timeout (the clock moves past the revert lease), three receives at most.
 */
export async function deliver(
  x: World,
  message: IncidentInput,
  { messageId = 'm-1', afterReceive }: { messageId?: string; afterReceive?: (receive: number) => void } = {},
): Promise<Delivery> {
  const outcomes: IncidentOutcome[] = [];
  const thrown: unknown[] = [];
  for (let receive = 1; receive <= MAX_RECEIVES; receive += 1) {
    try {
      const outcome = await x.run(message, messageId);
      outcomes.push(outcome);
      if (outcome.kind !== 'failed') return { outcomes, thrown, deadLettered: false };
    } catch (error) {
      thrown.push(error);
    }
    afterReceive?.(receive);
    x.clock.now = new Date(x.clock.now.getTime() + (x.settings.revertLeaseSeconds + 60) * 1000);
  }
  return { outcomes, thrown, deadLettered: true };
}

/** How many requests GitHub received for `method` and a path matching `path`. */
export function requestsTo(x: World, method: string, path: RegExp): number {
  return x.github.requests.filter((r) => r.method === method && path.test(r.path)).length;
}

/** Revert commits on main after `sha`. */
export async function reverts(x: World, sha: string): Promise<number> {
  return (await x.commitsAfter(sha)).filter((line) =>
    / Revert /.test(` ${line.split(' ').slice(1).join(' ')}`),
  ).length;
}

/** The branch update, as Octokit sends it (the ref's slash percent-encoded). */
export const REF_UPDATE = /\/git\/refs\/heads(\/|%2F)main$/;

/** Kustomization flux-system/apps, the object every world scenario is about. */
export const APPS = {
  cluster: 'prod',
  kind: 'Kustomization' as const,
  namespace: 'flux-system',
  name: 'apps',
};

/** Every `{ pk, sk }` a DynamoDB request names (an Item or a Key, however deeply batched). */
export function keysIn(body: unknown): Array<{ pk: string; sk: string }> {
  const out: Array<{ pk: string; sk: string }> = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const v of value) visit(v);
      return;
    }
    if (!value || typeof value !== 'object') return;
    const record = value as Record<string, unknown>;
    const pk = (record.pk as { S?: unknown } | undefined)?.S;
    const sk = (record.sk as { S?: unknown } | undefined)?.S;
    if (typeof pk === 'string' && typeof sk === 'string') out.push({ pk, sk });
    for (const v of Object.values(record)) visit(v);
  };
  visit(body);
  return out;
}

/** The write operations of DynamoDB's JSON protocol (a read is never faulted by {@link failWrites}). */
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

/** A fault rule, how often it fired, and its switch. */
export interface CountedFault {
  rule: DynamoDbFault;
  /** How many requests it answered with its error. */
  fired: number;
  /** While false, the rule answers nothing. */
  active: boolean;
}

/** Which writes a {@link failWrites} rule fails: those naming a key `key` accepts, of `operation` if given. */
export interface WriteMatch {
  key: (k: { pk: string; sk: string }) => boolean;
  /** `PutItem`, `UpdateItem`...; any write when absent. */
  operation?: string;
}

/**
 * Answers `answer` to the first `times` matching writes while {@link CountedFault.active}. One
 * answer is absorbed by the SDK's retries; to fail the worker's call, keep it active for the whole
 * receive (`times` left at `Infinity`, switched off after the receive).
 */
export function failWrites(
  { key, operation }: WriteMatch,
  answer: DynamoDbFaultAnswer,
  times = Number.POSITIVE_INFINITY,
): CountedFault {
  const counted: CountedFault = {
    fired: 0,
    active: true,
    rule: (request) => {
      if (!counted.active || counted.fired >= times || !WRITES.has(request.operation)) return undefined;
      if (operation !== undefined && request.operation !== operation) return undefined;
      if (!keysIn(request.body).some(key)) return undefined;
      counted.fired += 1;
      return answer;
    },
  };
  return counted;
}

/** DynamoDB's answers the worker must survive. */
export const THROTTLED: DynamoDbFaultAnswer = {
  type: 'ProvisionedThroughputExceededException',
  message: 'The level of configured provisioned throughput for the table was exceeded.',
};
export const THROTTLING: DynamoDbFaultAnswer = {
  type: 'com.amazon.coral.availability#ThrottlingException',
  message: 'Rate of requests exceeds the allowed throughput.',
};
export const CONDITION_FAILED: DynamoDbFaultAnswer = {
  type: 'ConditionalCheckFailedException',
  message: 'The conditional request failed',
};

/**
 * Gives the worker a state store whose DynamoDB client makes one attempt per call: what the SDK
 * does after its last retry, without waiting its throttling backoff (seconds per call). Returns
 * the function that destroys the client.
 */
export function singleAttemptState(x: World): () => void {
  const client = new DynamoDBClient({
    endpoint: x.db.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  x.deps.state = new DynamoDbStateStore({ client, tableName: x.tableName });
  return () => client.destroy();
}
