/**
 * Client-side time limits on every GitHub request: a per-request timeout, and the revert's
 * deadline, past which no request starts and one in flight is aborted.
 *
 * @module
 */
import type { TimeBudget } from './rate-limits.js';

/** The `fetch` signature Octokit calls. */
export type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/**
 * Wraps `fetch` (the global one, looked up per call, unless `inner` is given) so that each request
 * is aborted after `requestTimeoutMs`, and none outlives `budget`.
 *
 * A per-request timeout rejects with a `TimeoutError`, which Octokit turns into a status-500 error
 * that plugin-retry retries like any 5xx. The deadline rejects with an `AbortError`, which Octokit
 * rethrows as is and plugin-retry does not retry, so nothing continues past the deadline.
 *
 * @example
 * ```ts
 * new Octokit({ request: { fetch: fetchWithTimeouts(new TimeBudget(50_000), 10_000) } });
 * ```
 */
export function fetchWithTimeouts(budget: TimeBudget, requestTimeoutMs: number, inner?: Fetch): Fetch {
  return async (input, init = {}) => {
    const remaining = budget.remainingMs();
    if (remaining <= 0) throw new DOMException('the revert deadline has passed', 'AbortError');
    const deadline = new AbortController();
    const timer = setTimeout(
      () => deadline.abort(new DOMException('the revert deadline passed during the request', 'AbortError')),
      remaining,
    );
    const signals = [deadline.signal, AbortSignal.timeout(requestTimeoutMs)];
    if (init.signal) signals.push(init.signal);
    try {
      return await (inner ?? globalThis.fetch)(input, { ...init, signal: AbortSignal.any(signals) });
    } finally {
      clearTimeout(timer);
    }
  };
}
