/**
 * The Octokit client fluxguard talks to GitHub with: retries, rate limits, pacing and time limits.
 *
 * @module
 */
import type { OctokitOptions } from '@octokit/core';
import { retry } from '@octokit/plugin-retry';
import { type ThrottlingOptions, throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import { type GitHubCredentials, octokitAuthOptions } from './github-auth.js';
import { ConcurrencyLimiter, RetryLimiter, TimeBudget, WritePacer } from './rate-limits.js';
import { fetchWithTimeouts } from './request-timeouts.js';

/** The default client-side timeout of one GitHub request. */
export const GITHUB_REQUEST_TIMEOUT_MS = 10_000;

/** `@octokit/rest` with plugin-retry (5xx) and plugin-throttling (rate limits). */
export const GitHubOctokit = Octokit.plugin(retry, throttling);
/** An Octokit instance as {@link createGitHubOctokit} builds it. */
export type GitHubOctokitInstance = InstanceType<typeof GitHubOctokit>;

/** Options of {@link createGitHubOctokit}. */
export interface GitHubOctokitOptions {
  credentials: GitHubCredentials;
  /** The REST API URL: `https://api.github.com` (default) or a GitHub Enterprise Server `https://host/api/v3`. */
  baseUrl?: string;
  /**
   * The deadline of the work this client does: rate-limit waits must fit in it, no request starts
   * after it and one in flight is aborted (default: 60 s from creation; restart it per invocation).
   */
  budget?: TimeBudget;
  /** Client-side timeout of each request in ms (default {@link GITHUB_REQUEST_TIMEOUT_MS}). */
  requestTimeoutMs?: number;
  /** How many times a 5xx is retried (default 3). */
  retries?: number;
  /** Milliseconds per unit of GitHub's waits and of plugin-retry's backoff (default 1000; tests pass 1). */
  waitUnitMs?: number;
  /** The write pacer (default: a shared one per process, see {@link WritePacer}). */
  pacer?: WritePacer;
  /** Where Octokit logs (default: warnings and errors to the console). */
  log?: OctokitOptions['log'];
}

const sharedPacer = new WritePacer();
const quietLog = {
  debug: () => undefined,
  info: () => undefined,
  warn: console.warn.bind(console),
  error: console.error.bind(console),
};

/**
 * Builds the Octokit client fluxguard talks to GitHub with.
 *
 * - Every request has a client-side timeout and none outlives the {@link TimeBudget}
 *   (see {@link fetchWithTimeouts}); a timed-out request is retried like a 5xx, the deadline is not.
 * - plugin-retry retries 5xx (any method: a retried `POST /git/commits` only leaves an orphan
 *   commit, and the ref update is safe with `force: false`). It does not retry 429: plugin-throttling
 *   owns rate limits, so one owner decides.
 * - plugin-throttling waits as GitHub asks (`retry-after`, or the reset time) for primary and
 *   secondary limits, as long as the wait fits the {@link TimeBudget}, at most twice per request.
 * - Writes are serialised and paced by a {@link WritePacer} instead of the plugin's fixed
 *   ≥1 s gap between writes.
 * - The plugin's read and auth groups and its retry limiter are Bottleneck instances costing about
 *   5 ms each per request on an idle machine; {@link ConcurrencyLimiter} and {@link RetryLimiter}
 *   do the same job in microtasks (the plugin takes them from its options, as it takes `write`).
 */
export function createGitHubOctokit(options: GitHubOctokitOptions): GitHubOctokitInstance {
  const budget = options.budget ?? new TimeBudget();
  const unit = options.waitUnitMs ?? 1000;
  const pacer = (options.pacer ?? sharedPacer) as unknown as NonNullable<ThrottlingOptions['write']>;
  const onLimit = (retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number): boolean =>
    retryCount < 2 && budget.allows(retryAfter * unit);
  const throttleLimiters = {
    global: new ConcurrencyLimiter(10),
    auth: new ConcurrencyLimiter(1),
    retryLimiter: new RetryLimiter(),
  } as Partial<ThrottlingOptions>;
  return new GitHubOctokit({
    ...octokitAuthOptions(options.credentials),
    baseUrl: (options.baseUrl ?? 'https://api.github.com').replace(/\/+$/, ''),
    userAgent: 'fluxguard-revert',
    request: { fetch: fetchWithTimeouts(budget, options.requestTimeoutMs ?? GITHUB_REQUEST_TIMEOUT_MS) },
    log: options.log ?? quietLog,
    retry: {
      retries: options.retries ?? 3,
      retryAfterBaseValue: unit,
      doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451],
    },
    throttle: {
      id: 'fluxguard',
      ...throttleLimiters,
      retryAfterBaseValue: unit,
      write: pacer,
      notifications: pacer,
      onRateLimit: onLimit,
      onSecondaryRateLimit: onLimit,
    },
  });
}
