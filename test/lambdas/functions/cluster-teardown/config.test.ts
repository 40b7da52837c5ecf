import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../lambdas/aws/index.js';
import {
  MAX_WAIT_SECONDS,
  readTeardownConfig,
} from '../../../../lambdas/functions/cluster-teardown/config.js';
import { MAX_TEARDOWN_WAIT } from '../../../../lib/constructs/cluster-teardown.js';

describe('readTeardownConfig', () => {
  it('reads the cluster and waits 10 minutes by default', () => {
    expect(readTeardownConfig({ CLUSTER_NAME: ' fluxguard-staging-us-east-1 ' })).toEqual({
      clusterName: 'fluxguard-staging-us-east-1',
      waitMs: 600_000,
    });
  });

  it('takes the wait in seconds', () => {
    expect(readTeardownConfig({ CLUSTER_NAME: 'c', TEARDOWN_WAIT_SECONDS: '1500' }).waitMs).toBe(1_500_000);
  });

  it.each([
    [{}, /CLUSTER_NAME is not set/],
    [{ CLUSTER_NAME: 'c', TEARDOWN_WAIT_SECONDS: '10m' }, /TEARDOWN_WAIT_SECONDS must be a whole number/],
    [
      { CLUSTER_NAME: 'c', TEARDOWN_WAIT_SECONDS: '3001' },
      /TEARDOWN_WAIT_SECONDS must be a whole number from 0 to 3000/,
    ],
  ])('refuses %j', (env, message) => {
    expect(() => readTeardownConfig(env)).toThrow(ConfigError);
    expect(() => readTeardownConfig(env)).toThrow(message);
  });

  it('bounds the wait as the construct does, so the deployed limit and the read limit agree', () => {
    expect(MAX_WAIT_SECONDS).toBe(MAX_TEARDOWN_WAIT.toSeconds());
  });
});
