/**
 * The incident worker's configuration, read from the environment once at init. A bad value fails
 * with a ConfigError naming the variable. Pure.
 *
 * @module
 */
import {
  arnEnv,
  ConfigError,
  type Environment,
  optionalEnv,
  optionalRegionEnv,
  optionalUrlEnv,
  requiredEnv,
  urlEnv,
} from '../../aws/index.js';
import { type IncidentSettings, readIncidentSettings } from '../../incident-response/index.js';

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
  const config: IncidentWorkerConfig = {
    stateTableName: requiredEnv(env, 'STATE_TABLE_NAME'),
    alertTopicArn: arnEnv(env, 'ALERT_TOPIC_ARN', { service: 'sns', description: 'an SNS topic ARN' }),
    followUpQueueUrl: urlEnv(env, 'FOLLOW_UP_QUEUE_URL'),
    cluster: clusterName ? { clusterName } : { kubeconfig: kubeconfig as string },
    githubTokenSecretArn: arnEnv(env, 'GITHUB_TOKEN_SECRET_ARN', {
      service: 'secretsmanager',
      resourcePrefix: 'secret:',
      description: 'a Secrets Manager secret ARN',
    }),
    settings: readIncidentSettings(env, clusterName ?? 'local'),
  };
  const region = optionalRegionEnv(env, 'AWS_REGION');
  if (region) config.region = region;
  // The GitHub token goes to this host: https only, and never a URL that carries credentials.
  const apiUrl = optionalUrlEnv(env, 'GITHUB_API_URL');
  if (apiUrl) config.githubApiUrl = apiUrl;
  return config;
}
