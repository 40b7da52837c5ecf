import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../lambdas/aws/index.js';
import { readIncidentWorkerConfig } from '../../../../lambdas/functions/incident-worker/config.js';

const ENV = {
  STATE_TABLE_NAME: 'fluxguard-state',
  ALERT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111122223333:fluxguard-alerts',
  FOLLOW_UP_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/111122223333/fluxguard-follow-ups',
  CLUSTER_NAME: 'prod-eu-west-1',
  ENVIRONMENT: 'production',
  GITHUB_TOKEN_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:gh',
};

describe('readIncidentWorkerConfig', () => {
  it('reads the required values and applies the documented defaults', () => {
    const config = readIncidentWorkerConfig(ENV);
    expect(config).toMatchObject({
      stateTableName: 'fluxguard-state',
      cluster: { clusterName: 'prod-eu-west-1' },
      settings: {
        cluster: 'prod-eu-west-1',
        environment: 'production',
        defaultMode: 'revert',
        dryRun: false,
        confirmChecks: 3,
        confirmIntervalMs: 10_000,
        bakeMinutes: 10,
        staleMinutes: 20,
        reapplyPullRequest: true,
        breaker: { maxPerObject: 3, objectWindowHours: 6, maxPerCluster: 10, clusterWindowHours: 1 },
      },
    });
    expect(config.githubApiUrl).toBeUndefined();
  });

  it('reads every optional setting', () => {
    const config = readIncidentWorkerConfig({
      ...ENV,
      CLUSTER_NAME: undefined,
      KUBECONFIG: '/tmp/kubeconfig',
      DEFAULT_MODE: 'pull-request',
      DRY_RUN: 'true',
      CONFIRM_CHECKS: '5',
      CONFIRM_INTERVAL_SECONDS: '15',
      BAKE_MINUTES: '30',
      STALE_MINUTES: '45',
      REAPPLY_PR: 'false',
      BREAKER_MAX_PER_OBJECT: '2',
      BREAKER_OBJECT_WINDOW_HOURS: '12',
      BREAKER_MAX_PER_CLUSTER: '4',
      BREAKER_CLUSTER_WINDOW_HOURS: '2',
      GITHUB_API_URL: 'https://ghe.example.com/api/v3',
      AWS_REGION: 'eu-west-1',
    });
    expect(config).toMatchObject({
      cluster: { kubeconfig: '/tmp/kubeconfig' },
      region: 'eu-west-1',
      githubApiUrl: 'https://ghe.example.com/api/v3',
      settings: {
        defaultMode: 'pull-request',
        dryRun: true,
        confirmChecks: 5,
        confirmIntervalMs: 15_000,
        bakeMinutes: 30,
        staleMinutes: 45,
        reapplyPullRequest: false,
        breaker: { maxPerObject: 2, objectWindowHours: 12, maxPerCluster: 4, clusterWindowHours: 2 },
      },
    });
  });

  it.each([
    ['STATE_TABLE_NAME', undefined, 'STATE_TABLE_NAME is not set'],
    ['ALERT_TOPIC_ARN', '', 'ALERT_TOPIC_ARN is not set'],
    ['CLUSTER_NAME', undefined, 'CLUSTER_NAME is not set (nor KUBECONFIG)'],
    ['DEFAULT_MODE', 'off', 'DEFAULT_MODE must be one of revert, pull-request, alert-only'],
    ['DRY_RUN', 'yes', 'DRY_RUN must be true or false'],
    ['CONFIRM_CHECKS', '0', 'CONFIRM_CHECKS must be a whole number from 1 to 20'],
    ['STALE_MINUTES', 'soon', 'STALE_MINUTES must be a whole number'],
    ['BREAKER_MAX_PER_OBJECT', '-1', 'BREAKER_MAX_PER_OBJECT must be a whole number'],
    ['ALERT_TOPIC_ARN', 'fluxguard-alerts', 'ALERT_TOPIC_ARN must be an SNS topic ARN'],
    ['ALERT_TOPIC_ARN', 'arn:aws:sqs:eu-west-1:111122223333:q', 'ALERT_TOPIC_ARN must be an SNS topic ARN'],
    ['GITHUB_TOKEN_SECRET_ARN', 'gh-token', 'GITHUB_TOKEN_SECRET_ARN must be a Secrets Manager secret ARN'],
    ['FOLLOW_UP_QUEUE_URL', 'fluxguard-follow-ups', 'FOLLOW_UP_QUEUE_URL must be an https URL'],
    ['GITHUB_API_URL', 'api.github.com', 'GITHUB_API_URL must be an https URL'],
    ['GITHUB_API_URL', 'http://ghe.example.com/api/v3', 'GITHUB_API_URL must be an https URL'],
    ['GITHUB_API_URL', 'https://token@ghe.example.com/api/v3', 'GITHUB_API_URL must not carry credentials'],
    ['AWS_REGION', 'Frankfurt', 'AWS_REGION must be an AWS region name'],
  ])('fails at init naming %s when it is %j', (name, value, message) => {
    expect(() => readIncidentWorkerConfig({ ...ENV, [name]: value })).toThrow(ConfigError);
    expect(() => readIncidentWorkerConfig({ ...ENV, [name]: value })).toThrow(message);
  });

  it('accepts a plain-http API only on this machine, for the local stand-ins', () => {
    const config = readIncidentWorkerConfig({ ...ENV, GITHUB_API_URL: 'http://127.0.0.1:8443/api/v3/' });
    expect(config.githubApiUrl).toBe('http://127.0.0.1:8443/api/v3/');
  });

  it.each(['us-east-1', 'eu-central-1', 'us-gov-west-1', 'ap-southeast-5'])(
    'accepts the region %s',
    (region) => {
      expect(readIncidentWorkerConfig({ ...ENV, AWS_REGION: region }).region).toBe(region);
    },
  );
});
