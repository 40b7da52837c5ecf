import { describe, expect, it } from 'vitest';
import { readWebhookConfig } from '../../../../lambdas/functions/flux-webhook/config.js';

const BASE = { WEBHOOK_SECRET_ARN: 'arn:secret', INCIDENT_QUEUE_URL: 'https://sqs/queue.fifo' };

describe('readWebhookConfig: the Alertmanager route', () => {
  it('reads the token secret from ALERTMANAGER_TOKEN_SECRET_ARN', () => {
    const config = readWebhookConfig({ ...BASE, ALERTMANAGER_TOKEN_SECRET_ARN: ' arn:am-token ' });
    expect(config.alertmanagerToken).toEqual({ secretArn: 'arn:am-token' });
  });

  it.each([{}, { ALERTMANAGER_TOKEN_SECRET_ARN: '  ' }])('leaves the route off without it (%j)', (extra) => {
    expect(readWebhookConfig({ ...BASE, ...extra })).not.toHaveProperty('alertmanagerToken');
  });
});
