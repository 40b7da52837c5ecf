import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../lambdas/aws/index.js';
import { readWebhookConfig } from '../../../../lambdas/functions/flux-webhook/config.js';

const BASE = { WEBHOOK_SECRET_ARN: 'arn:secret', INCIDENT_QUEUE_URL: 'https://sqs/queue.fifo' };

describe('readWebhookConfig', () => {
  it('reads the environment with a 128 KiB default body limit', () => {
    // Prepare
    const env = { ...BASE, CLUSTER_NAME: ' prod-eu-west-1 ' };

    // Act
    const config = readWebhookConfig(env);

    // Assess
    expect(config).toEqual({
      keys: { secretArn: 'arn:secret' },
      queue: { url: 'https://sqs/queue.fifo' },
      maxBodyBytes: 131_072,
      clusterName: 'prod-eu-west-1',
    });
  });

  it.each([
    [{ INCIDENT_QUEUE_URL: 'q' }, /WEBHOOK_SECRET_ARN is not set/],
    [{ WEBHOOK_SECRET_ARN: 's' }, /INCIDENT_QUEUE_URL is not set/],
    [{ ...BASE, MAX_BODY_BYTES: '12kb' }, /MAX_BODY_BYTES must be a whole number/],
    [{ ...BASE, MAX_BODY_BYTES: '0' }, /MAX_BODY_BYTES must be a whole number/],
    [{ ...BASE, MAX_BODY_BYTES: '7000000' }, /MAX_BODY_BYTES must be a whole number/],
  ])('refuses %j', (env, message) => {
    // Prepare: the environment from the table

    // Act
    const reading = () => readWebhookConfig(env);

    // Assess
    expect(reading).toThrow(ConfigError);
    expect(reading).toThrow(message);
  });
});
