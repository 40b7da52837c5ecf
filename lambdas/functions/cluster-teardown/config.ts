/**
 * The cluster-teardown function's configuration, read from the environment. Pure.
 *
 * @module
 */
import { type Environment, integerEnv, requiredEnv } from '../../aws/index.js';

/** Longest wait: CloudFormation waits at most an hour for a custom resource, and the Provider framework needs a margin after the wait. */
export const MAX_WAIT_SECONDS = 3_000;

/** The teardown's settings. */
export interface TeardownConfig {
  /** `CLUSTER_NAME`: the EKS cluster to tear down. */
  clusterName: string;
  /** `TEARDOWN_WAIT_SECONDS` (default 600) in ms: how long the deletion waits for AWS resources to go. */
  waitMs: number;
}

/**
 * Reads {@link TeardownConfig} from `env`.
 *
 * @throws {ConfigError} when `CLUSTER_NAME` is missing or the wait is not a whole number of seconds up to 50 minutes
 */
export function readTeardownConfig(env: Environment): TeardownConfig {
  return {
    clusterName: requiredEnv(env, 'CLUSTER_NAME'),
    waitMs: integerEnv(env, 'TEARDOWN_WAIT_SECONDS', { fallback: 600, min: 0, max: MAX_WAIT_SECONDS }) * 1000,
  };
}
