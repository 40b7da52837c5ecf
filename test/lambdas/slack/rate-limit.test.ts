import { describe, expect, it } from 'vitest';
import { SlackRateLimitedError } from '../../../lambdas/slack/index.js';
import { DEFAULT_RATE_LIMIT_POLICY, RetryAfter, withRateLimit } from '../../../lambdas/slack/rate-limit.js';

function answers(...seconds: number[]) {
  const waits: number[] = [];
  let calls = 0;
  const policy = { ...DEFAULT_RATE_LIMIT_POLICY, sleep: async (ms: number) => void waits.push(ms) };
  const call = async () => {
    const next = seconds[calls];
    calls += 1;
    if (next !== undefined) throw new RetryAfter(next);
    return 'ok';
  };
  return { waits, calls: () => calls, run: () => withRateLimit('chat.postMessage', policy, call) };
}

describe('the default rate-limit policy', () => {
  it('waits out one short Retry-After', async () => {
    const slack = answers(3);

    await expect(slack.run()).resolves.toBe('ok');
    expect(slack.waits).toEqual([3000]);
  });

  it('fails at once on a Retry-After longer than 3 s, so SNS retries later', async () => {
    const slack = answers(4);

    await expect(slack.run()).rejects.toEqual(new SlackRateLimitedError('chat.postMessage', 4));
    expect(slack.calls()).toBe(1);
  });

  it('fails on a second 429: two attempts fit the 30 s Lambda timeout', async () => {
    const slack = answers(1, 1);

    await expect(slack.run()).rejects.toBeInstanceOf(SlackRateLimitedError);
    expect(slack.waits).toEqual([1000]);
  });

  it('lets other errors through untouched', async () => {
    const boom = new Error('boom');

    await expect(
      withRateLimit('chat.update', DEFAULT_RATE_LIMIT_POLICY, () => Promise.reject(boom)),
    ).rejects.toBe(boom);
  });
});
