/** Client-side limits of an AWS call, in ms. */
export interface AwsTimeouts {
  /** Giving up on opening the connection (default 3,000 ms). */
  connectionTimeoutMs?: number;
  /** Giving up on an answer once connected (default 5,000 ms). */
  requestTimeoutMs?: number;
}

/** Default {@link AwsTimeouts}: a stalled endpoint costs seconds of the invocation, not its whole budget. */
export const DEFAULT_AWS_TIMEOUTS: Required<AwsTimeouts> = {
  connectionTimeoutMs: 3_000,
  requestTimeoutMs: 5_000,
};

/**
 * The `requestHandler` option of an AWS SDK v3 client that gives up on a stalled endpoint, so no
 * AWS call can hang an invocation. Without `throwOnRequestTimeout` the SDK only logs a warning when
 * `requestTimeout` passes, and waits on.
 *
 * @example new SNSClient({ ...awsClientTimeouts() })
 */
export function awsClientTimeouts(timeouts: AwsTimeouts = {}): {
  requestHandler: { connectionTimeout: number; requestTimeout: number; throwOnRequestTimeout: true };
} {
  const { connectionTimeoutMs, requestTimeoutMs } = { ...DEFAULT_AWS_TIMEOUTS, ...timeouts };
  return {
    requestHandler: {
      connectionTimeout: connectionTimeoutMs,
      requestTimeout: requestTimeoutMs,
      throwOnRequestTimeout: true,
    },
  };
}
