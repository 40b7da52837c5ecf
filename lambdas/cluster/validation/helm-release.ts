import { describeCondition } from '../kube-objects.js';
import type { HelmReleaseStatus, ObjectRef } from './flux-context.js';
import { type Evidence, type Observation, objectName } from './types.js';

/** Ready/Released reasons with which helm-controller reports that the release action failed. */
const FAILED_REASONS: ReadonlySet<string> = new Set([
  'InstallFailed',
  'UpgradeFailed',
  'TestFailed',
  'RollbackSucceeded',
  'RollbackFailed',
  'UninstallFailed',
]);

/** helm-controller has not acted on the HelmRelease's newest spec yet (`observedGeneration` behind). */
export function releaseLagsSpec(status: HelmReleaseStatus): boolean {
  const { generation, observedGeneration } = status;
  return generation !== undefined && (observedGeneration ?? 0) < generation;
}

/**
 * A HelmRelease's own status, as one rollout observation: helm-controller has not seen the new spec
 * yet, or is still acting (`Ready=Unknown`, `Reconciling=True`): pending. The last action failed
 * (`Ready`/`Released` `InstallFailed`, `UpgradeFailed`, `TestFailed`, a rollback, `Stalled=True`, or
 * the newest history entry `failed`): fail. `Ready=True`: pass. Anything else (the chart could not
 * be fetched, a dependency is not ready, no condition yet): inconclusive, since it says nothing about
 * the release itself.
 */
export function assessHelmRelease(release: ObjectRef, status: HelmReleaseStatus): Observation {
  const object = objectName(release);
  const evidence: Evidence[] = [];
  const { ready, released, stalled, latest } = status;
  if (ready) evidence.push({ object, field: 'status.conditions[Ready]', value: describeCondition(ready) });
  if (latest) {
    evidence.push({
      object,
      field: 'status.history[0]',
      value: `${latest.chartVersion ?? '?'} ${latest.status ?? 'unknown'}`,
    });
  }
  const { generation, observedGeneration } = status;
  if (releaseLagsSpec(status)) {
    const lag = `${observedGeneration ?? 'none'} < metadata.generation ${generation}`;
    return {
      state: 'pending',
      evidence: [{ object, field: 'status.observedGeneration', value: lag }, ...evidence],
    };
  }
  if (released?.status === 'False') {
    evidence.push({ object, field: 'status.conditions[Released]', value: describeCondition(released) });
  }
  if (stalled?.status === 'True') {
    evidence.push({ object, field: 'status.conditions[Stalled]', value: describeCondition(stalled) });
    return { state: 'fail', evidence };
  }
  const actionFailed = [ready, released].some(
    (condition) => condition?.status === 'False' && FAILED_REASONS.has(condition.reason ?? ''),
  );
  if (actionFailed || latest?.status === 'failed') return { state: 'fail', evidence };
  if (ready?.status === 'Unknown') return { state: 'pending', evidence };
  if (
    ready?.status === 'True' &&
    latest?.status !== 'pending-install' &&
    latest?.status !== 'pending-upgrade'
  ) {
    return { state: 'pass', evidence };
  }
  if (!ready) evidence.push({ object, field: 'status.conditions[Ready]', value: 'not reported yet' });
  return { state: ready?.status === 'True' ? 'pending' : 'inconclusive', evidence };
}
