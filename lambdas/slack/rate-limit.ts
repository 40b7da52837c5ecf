/**
 * Slack's rate limiting: HTTP 429 with `Retry-After` in seconds
 * (https://docs.slack.dev/apis/web-api/rate-limits). The notifier waits when the wait fits its
 * time budget and otherwise fails, so SNS delivers the message again later.
 *
 * @module
 */
import { SlackRateLimitedError } from './errors.js';

/** How long and how often a call may wait out a 429. */
export interface RateLimitPolicy {
  /** The longest single `Retry-After` the notifier waits (seconds); a longer one fails the delivery. */
  maxWaitSeconds: number;
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Waits; tests pass one that records instead of sleeping. */
  sleep: (ms: number) => Promise<void>;
}

/**
 * One wait of at most 3 s (Slack's per-channel posting limit is about one message a second, so
 * its waits are short). With the 5 s request timeout, the two calls of a threaded delivery take at
 * most 2 × (5 + 3 + 5) = 26 s: inside the notifier's 30 s Lambda timeout.
 */
export const DEFAULT_RATE_LIMIT_POLICY: RateLimitPolicy = {
  maxWaitSeconds: 3,
  maxAttempts: 2,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** How long one Slack request may take, in milliseconds. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 5000;

/** Thrown by a call that Slack answered 429; `withRateLimit` catches it and waits. */
export class RetryAfter extends Error {
  override name = 'RetryAfter';
  readonly seconds: number;

  constructor(seconds: number) {
    super(`Retry-After ${seconds}`);
    this.seconds = seconds;
  }
}

/**
 * Runs `call`, waiting out each `RetryAfter` it throws within the policy.
 *
 * @throws {SlackRateLimitedError} when the wait is too long or the attempts run out
 */
export async function withRateLimit<T>(
  method: string,
  policy: RateLimitPolicy,
  call: () => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof RetryAfter)) throw error;
      if (attempt >= policy.maxAttempts || error.seconds > policy.maxWaitSeconds)
        throw new SlackRateLimitedError(method, error.seconds);
      await policy.sleep(Math.max(error.seconds, 1) * 1000);
    }
  }
}
