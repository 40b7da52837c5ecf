/**
 * The worker's settings as values (the Lambda reads them from its environment in its config module;
 * the CLI from its flags and environment).
 *
 * @module
 */
import type { Mode } from './model.js';

/** Circuit breaker limits. */
export interface BreakerSettings {
  /** Automatic reverts per object in its window before alert-only (default 3). */
  maxPerObject: number;
  objectWindowHours: number;
  /** Automatic reverts per cluster in its window before alert-only (default 10). */
  maxPerCluster: number;
  clusterWindowHours: number;
}

/** Everything the pipeline is configured with. */
export interface IncidentSettings {
  /** The cluster for events and alarms that name none (`CLUSTER_NAME`). */
  cluster: string;
  /** `ENVIRONMENT`, shown in every alert. */
  environment: string;
  /** `DEFAULT_MODE`; an object's `fluxguard.io/mode` annotation overrides it. */
  defaultMode: Exclude<Mode, 'off'>;
  /** `DRY_RUN`: plan and alert "would revert", write nothing. */
  dryRun: boolean;
  /** `CONFIRM_CHECKS`: validation checks that confirm a failure. */
  confirmChecks: number;
  /** `CONFIRM_INTERVAL_SECONDS`, in ms. */
  confirmIntervalMs: number;
  /** `BAKE_MINUTES`: how long a newly applied revision is watched (an object's `fluxguard.io/bake-minutes` overrides it). */
  bakeMinutes: number;
  /** Seconds between follow-up checks in the bake window. */
  followUpSeconds: number;
  /** `STALE_MINUTES`: older events never revert. */
  staleMinutes: number;
  /** `REAPPLY_PR`: open a draft reapply pull request after a direct revert. */
  reapplyPullRequest: boolean;
  breaker: BreakerSettings;
  /** How long a pending revert is protected from other workers (longer than a revert can take). */
  revertLeaseSeconds: number;
}

/** The defaults the issue and the docs name. */
export const DEFAULT_SETTINGS: Omit<IncidentSettings, 'cluster' | 'environment'> = {
  defaultMode: 'revert',
  dryRun: false,
  confirmChecks: 3,
  confirmIntervalMs: 10_000,
  bakeMinutes: 10,
  followUpSeconds: 60,
  staleMinutes: 20,
  reapplyPullRequest: true,
  breaker: { maxPerObject: 3, objectWindowHours: 6, maxPerCluster: 10, clusterWindowHours: 1 },
  revertLeaseSeconds: 300,
};
