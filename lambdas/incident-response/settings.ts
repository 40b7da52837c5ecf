/**
 * The worker's settings as values (the Lambda reads them from its environment in its config module;
 * the CLI from its flags and environment).
 *
 * @module
 */
import { booleanEnv, choiceEnv, type Environment, integerEnv, requiredEnv } from '../aws/index.js';
import { DEFAULT_MODES, type Mode } from './model.js';

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
  /** How long a message waits in process for another holder of its object's lease. */
  leaseWaitMs: number;
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
  leaseWaitMs: 60_000,
};

/**
 * The settings from the worker's variables (`ENVIRONMENT`, `DEFAULT_MODE`, `DRY_RUN`,
 * `CONFIRM_CHECKS`, `CONFIRM_INTERVAL_SECONDS`, `BAKE_MINUTES`, `STALE_MINUTES`, `REAPPLY_PR`,
 * `BREAKER_*`): one parser for the Lambda's config module and the CLI, so `fluxguard replay` runs
 * with exactly the Lambda's configuration. Takes the environment as a value.
 *
 * @throws {ConfigError} naming the variable that is missing or wrong
 */
export function readIncidentSettings(env: Environment, cluster: string): IncidentSettings {
  const d = DEFAULT_SETTINGS;
  return {
    cluster,
    environment: requiredEnv(env, 'ENVIRONMENT'),
    defaultMode: choiceEnv(env, 'DEFAULT_MODE', DEFAULT_MODES, d.defaultMode),
    dryRun: booleanEnv(env, 'DRY_RUN', d.dryRun),
    confirmChecks: integerEnv(env, 'CONFIRM_CHECKS', { fallback: d.confirmChecks, min: 1, max: 20 }),
    confirmIntervalMs:
      integerEnv(env, 'CONFIRM_INTERVAL_SECONDS', {
        fallback: d.confirmIntervalMs / 1000,
        min: 0,
        max: 120,
      }) * 1000,
    bakeMinutes: integerEnv(env, 'BAKE_MINUTES', { fallback: d.bakeMinutes, min: 0, max: 240 }),
    followUpSeconds: d.followUpSeconds,
    staleMinutes: integerEnv(env, 'STALE_MINUTES', { fallback: d.staleMinutes, min: 1, max: 1440 }),
    reapplyPullRequest: booleanEnv(env, 'REAPPLY_PR', d.reapplyPullRequest),
    breaker: {
      maxPerObject: integerEnv(env, 'BREAKER_MAX_PER_OBJECT', {
        fallback: d.breaker.maxPerObject,
        min: 1,
        max: 100,
      }),
      objectWindowHours: integerEnv(env, 'BREAKER_OBJECT_WINDOW_HOURS', {
        fallback: d.breaker.objectWindowHours,
        min: 1,
        max: 48,
      }),
      maxPerCluster: integerEnv(env, 'BREAKER_MAX_PER_CLUSTER', {
        fallback: d.breaker.maxPerCluster,
        min: 1,
        max: 1000,
      }),
      clusterWindowHours: integerEnv(env, 'BREAKER_CLUSTER_WINDOW_HOURS', {
        fallback: d.breaker.clusterWindowHours,
        min: 1,
        max: 48,
      }),
    },
    revertLeaseSeconds: d.revertLeaseSeconds,
    leaseWaitMs: d.leaseWaitMs,
  };
}
