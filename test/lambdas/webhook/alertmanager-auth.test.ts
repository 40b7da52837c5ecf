import { describe, expect, it } from 'vitest';
import { parseBearerHeader, tokenMatches } from '../../../lambdas/webhook/bearer-token.js';
import { RecentDeliveries } from '../../../lambdas/webhook/recent-deliveries.js';

describe('parseBearerHeader', () => {
  it('reads one Bearer token, in any case of the scheme', () => {
    expect(parseBearerHeader(['Bearer abc.def'])).toEqual({ ok: true, token: 'abc.def' });
    expect(parseBearerHeader(['bearer abc'])).toEqual({ ok: true, token: 'abc' });
  });

  it.each([
    [undefined, 'missing-token'],
    [[], 'missing-token'],
    [['Bearer a', 'Bearer b'], 'malformed-token'],
    [['Bearer'], 'malformed-token'],
    [['Bearer a b'], 'malformed-token'],
    [['Token abc'], 'malformed-token'],
  ])('refuses %j as %s, without echoing it', (values, code) => {
    const parsed = parseBearerHeader(values);
    expect(parsed).toMatchObject({ ok: false, code });
    if (!parsed.ok) expect(parsed.reason).not.toMatch(/abc/);
  });
});

describe('tokenMatches', () => {
  it('matches the same token and tolerates the newline a credentials file or secret ends with', () => {
    expect(tokenMatches('s3cr3t', 's3cr3t')).toBe(true);
    expect(tokenMatches('s3cr3t', 's3cr3t\n')).toBe(true);
  });

  it('refuses another token, a prefix, and an empty configured token', () => {
    expect(tokenMatches('s3cr3t', 's3cr3u')).toBe(false);
    expect(tokenMatches('s3cr', 's3cr3t')).toBe(false);
    expect(tokenMatches('', '  ')).toBe(false);
  });
});

describe('RecentDeliveries', () => {
  it('remembers an id for its time to live', () => {
    let now = 0;
    const recent = new RecentDeliveries({ ttlMs: 1_000, now: () => now });
    recent.add('a');
    now = 999;
    expect(recent.has('a')).toBe(true);
    now = 1_000;
    expect(recent.has('a')).toBe(false);
  });

  it('forgets the oldest id beyond its capacity', () => {
    const recent = new RecentDeliveries({ capacity: 2 });
    for (const id of ['a', 'b', 'c']) recent.add(id);
    expect(['a', 'b', 'c'].map((id) => recent.has(id))).toEqual([false, true, true]);
  });
});
