/**
 * The incident worker's configuration, read from the environment once at init. A bad value fails
 * with a ConfigError naming the variable. Pure.
 *
 * @module
 */
import {
  booleanEnv,
  ConfigError,
  choiceEnv,
  type Environment,
  integerEnv,
  optionalEnv,
  requiredEnv,
} from '../../aws/index.js';
import { DEFAULT_MODES, DEFAULT_SETTINGS, type IncidentSettings } from '../../incident-response/index.js';

/** The worker Lambda's settings. */
export interface IncidentWorkerConfig {
  /** `STATE_TABLE_NAME` */
  stateTableName: string;
  /** `ALERT_TOPIC_ARN` */
  alertTopicArn: string;
  /** `FOLLOW_UP_QUEUE_URL`: the standard SQS queue of follow-up checks. */
  followUpQueueUrl: string;
  /** `CLUSTER_NAME` (EKS), else `KUBECONFIG`. */
  cluster: { clusterName: string } | { kubeconfig: string };
  /** `AWS_REGION` */
  region?: string;
  /** `GITHUB_TOKEN_SECRET_ARN` */
  githubTokenSecretArn: string;
  /** `GITHUB_API_URL` (default `https://api.github.com`). */
  githubApiUrl?: string;
  settings: IncidentSettings;
}

/**
 * Reads {@link IncidentWorkerConfig} from `env`.
 *
 * @throws {ConfigError} naming the variable that is missing or wrong
 */
export function readIncidentWorkerConfig(env: Environment): IncidentWorkerConfig {
  const clusterName = optionalEnv(env, 'CLUSTER_NAME');
  const kubeconfig = optionalEnv(env, 'KUBECONFIG');
  if (!clusterName && !kubeconfig) throw new ConfigError('CLUSTER_NAME is not set (nor KUBECONFIG)');
  const d = DEFAULT_SETTINGS;
  const config: IncidentWorkerConfig = {
    stateTableName: requiredEnv(env, 'STATE_TABLE_NAME'),
    alertTopicArn: requiredEnv(env, 'ALERT_TOPIC_ARN'),
    followUpQueueUrl: requiredEnv(env, 'FOLLOW_UP_QUEUE_URL'),
    cluster: clusterName ? { clusterName } : { kubeconfig: kubeconfig as string },
    githubTokenSecretArn: requiredEnv(env, 'GITHUB_TOKEN_SECRET_ARN'),
    settings: {
      cluster: clusterName ?? 'local',
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
    },
  };
  const region = optionalEnv(env, 'AWS_REGION');
  if (region) config.region = region;
  const apiUrl = optionalEnv(env, 'GITHUB_API_URL');
  if (apiUrl) config.githubApiUrl = apiUrl;
  return config;
}
