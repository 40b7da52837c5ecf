/**
 * The teardown as two steps a custom resource drives: start (sweep the cluster once) and check
 * (sweep again, then read what is left in AWS, until nothing is or the deadline passes).
 *
 * @module
 */
import type { LeftoverReader } from './aws-leftovers.js';
import type { ClusterAccess } from './cluster-access.js';
import { TeardownIncompleteError } from './errors.js';
import { describeLeftovers, isClean, type Leftovers } from './plan.js';
import { type SweepReport, sweepCluster } from './sweep.js';

/** The default bound of the wait: 10 minutes. */
export const DEFAULT_WAIT_MS = 10 * 60_000;

/** What the teardown of one cluster needs. */
export interface TeardownDeps {
  clusterName: string;
  access: ClusterAccess;
  aws: LeftoverReader;
  /** How long {@link checkTeardown} keeps answering "not yet" (default {@link DEFAULT_WAIT_MS}). */
  waitMs?: number;
  /** The clock (default the system's). */
  now?: () => Date;
}

/** What {@link startTeardown} hands to every {@link checkTeardown}: plain JSON. */
export interface TeardownProgress {
  /** When the wait ends, ISO 8601. */
  deadline: string;
  /** EBS volumes whose claims the first sweep deleted. */
  volumeIds: string[];
  /** The cluster was already gone: nothing was swept and nothing is waited for. */
  clusterGone: boolean;
}

/** What {@link startTeardown} did. */
export interface TeardownStart {
  progress: TeardownProgress;
  /** What the sweep suspended and deleted; absent when the cluster was gone. */
  sweep?: SweepReport;
}

/** One {@link checkTeardown} answer. */
export interface TeardownCheck {
  done: boolean;
  /** What AWS still has; absent when the cluster is gone and nothing was read. */
  leftovers?: Leftovers;
  /** What this check's sweep did. */
  sweep?: SweepReport;
  /** Why this check's sweep failed; the AWS reading decides anyway. */
  sweepError?: Error;
  /** Why AWS could not be read; the check is not done, and the next one tries again. */
  awsError?: Error;
}

/**
 * Suspends Flux and deletes every Ingress, Service of type LoadBalancer and EBS-backed claim (see
 * {@link sweepCluster}), and sets the deadline of the wait. A cluster that is already gone (a
 * second delete attempt) needs nothing.
 *
 * @example
 * const { progress } = await startTeardown({ clusterName, access, aws });
 * // later, until it answers done (or throws):
 * const { done } = await checkTeardown({ clusterName, access, aws }, progress);
 * @throws {KubeApiError} when the first sweep fails (e.g. a 403: the teardown's RBAC is missing a verb)
 */
export async function startTeardown(deps: TeardownDeps): Promise<TeardownStart> {
  const now = deps.now ?? (() => new Date());
  const deadline = new Date(now().getTime() + (deps.waitMs ?? DEFAULT_WAIT_MS)).toISOString();
  const cluster = await deps.access.open(deps.clusterName);
  if (!cluster) return { progress: { deadline, volumeIds: [], clusterGone: true } };
  try {
    const sweep = await sweepCluster(cluster.api);
    const volumeIds = sweep.volumes.map((volume) => volume.volumeId);
    return { progress: { deadline, volumeIds, clusterGone: false }, sweep };
  } finally {
    await cluster.close();
  }
}

/**
 * Sweeps the cluster again (so whatever a controller re-created after the first sweep goes too),
 * then reads the load balancers and target groups tagged `elbv2.k8s.aws/cluster=<cluster>` and the
 * swept volumes. Done when none is left, or when the cluster itself is gone.
 *
 * @throws {TeardownIncompleteError} when something is left at the deadline (the message names each of
 *   them), or AWS still cannot be read then
 */
export async function checkTeardown(deps: TeardownDeps, progress: TeardownProgress): Promise<TeardownCheck> {
  if (progress.clusterGone) return { done: true };
  const now = deps.now ?? (() => new Date());
  const cluster = await deps.access.open(deps.clusterName);
  if (!cluster) return { done: true };
  const check: TeardownCheck = { done: false };
  const volumeIds = new Set(progress.volumeIds);
  try {
    check.sweep = await sweepCluster(cluster.api);
    for (const volume of check.sweep.volumes) volumeIds.add(volume.volumeId);
  } catch (error) {
    check.sweepError = error as Error;
  } finally {
    await cluster.close();
  }
  const pastDeadline = now().getTime() >= Date.parse(progress.deadline);
  const waited = `${Math.round((deps.waitMs ?? DEFAULT_WAIT_MS) / 60_000)} min`;
  try {
    check.leftovers = await deps.aws.leftovers(deps.clusterName, [...volumeIds]);
  } catch (error) {
    // Never "done" without a reading: retry on the next check, give up only at the deadline.
    check.awsError = error as Error;
    if (!pastDeadline) return check;
    throw new TeardownIncompleteError(
      `Teardown of cluster ${deps.clusterName} gave up after waiting ${waited}: what is left in AWS ` +
        `could not be read: ${check.awsError.message}`,
      { cause: error },
    );
  }
  if (isClean(check.leftovers)) return { ...check, done: true };
  if (pastDeadline) {
    throw new TeardownIncompleteError(
      `Teardown of cluster ${deps.clusterName} gave up after waiting ${waited}; still in AWS: ` +
        `${describeLeftovers(check.leftovers)}. ` +
        'Delete them (or stop what keeps re-creating them) and delete the stack again.' +
        (check.sweepError ? ` The last cluster sweep failed: ${check.sweepError.message}` : ''),
    );
  }
  return check;
}
