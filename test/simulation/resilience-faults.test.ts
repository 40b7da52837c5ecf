/**
 * Faults injected into the stand-ins while the worker handles a confirmed failed rollout, with
 * the message redelivered as SQS would (up to three receives, then the dead-letter queue). After
 * each: never two reverts, no revert on an inconclusive validation, and the incident is not lost
 * (alerted, or in the dead-letter queue).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type World, world } from '../lambdas/incident-response/support/world.js';
import { deliver, failedRollout, REF_UPDATE, requestsTo, reverts } from './support/resilience.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

/** A fault, and whether the run met it (the faulted request was made again after the fault). */
const REVERTING: Array<[string, (x: World) => void, (x: World) => boolean]> = [
  [
    'GitHub 500 on creating the commit',
    (x) => x.github.fail({ method: 'POST', path: /\/git\/commits$/, status: 500 }),
    (x) => requestsTo(x, 'POST', /\/git\/commits$/) >= 2,
  ],
  [
    'GitHub 429 with Retry-After on the ref update',
    (x) =>
      x.github.fail({
        method: 'PATCH',
        path: REF_UPDATE,
        status: 429,
        headers: { 'retry-after': '1', 'x-ratelimit-remaining': '0' },
        body: { message: 'API rate limit exceeded', documentation_url: 'https://docs.github.com/rest' },
      }),
    (x) => requestsTo(x, 'PATCH', REF_UPDATE) >= 2,
  ],
  [
    'GitHub secondary rate limit (403 with Retry-After) on creating the tree',
    (x) =>
      x.github.fail({
        method: 'POST',
        path: /\/git\/trees$/,
        status: 403,
        headers: { 'retry-after': '1' },
        body: {
          message:
            'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
          documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
        },
      }),
    (x) => requestsTo(x, 'POST', /\/git\/trees$/) >= 2,
  ],
  // Every attempt of the SDK's standard retry (3) fails: the first delivery cannot publish.
  ['SNS failing every attempt of one publish', (x) => x.sns.failNext(3), (x) => x.sns.messages.length >= 1],
];

describe('faults in the stand-ins during a revert', () => {
  it.each(REVERTING)('%s: exactly one revert, and people are alerted', async (_name, inject, met) => {
    // Prepare
    w = await world();
    const [, failing] = w.shas as [string, string];
    w.deploy({ state: 'crashloop', attempted: failing });
    inject(w);

    // Act
    const delivery = await deliver(w, failedRollout(w, failing));

    // Assert
    expect(met(w)).toBe(true);
    expect(await reverts(w, failing)).toBe(1);
    expect(delivery.deadLettered).toBe(false);
    expect(w.alerts().some((a) => a.state === 'reverted')).toBe(true);
  });

  it('a push racing the revert (422 not a fast forward): the revert is made again on the new head, once', async () => {
    // Prepare
    w = await world();
    const [, failing] = w.shas as [string, string];
    w.deploy({ state: 'crashloop', attempted: failing });
    const x = w;
    let raced = false;
    w.github.beforeHandle = async (request) => {
      if (raced || request.method !== 'PATCH' || !REF_UPDATE.test(request.path)) return;
      raced = true;
      await x.repo.commit('main', [
        { message: 'Unrelated change', files: { 'docs/notes.md': 'racing push\n' } },
      ]);
    };

    // Act
    const delivery = await deliver(w, failedRollout(w, failing));

    // Assert
    expect(raced).toBe(true);
    expect(await reverts(w, failing)).toBe(1);
    expect(delivery.deadLettered).toBe(false);
    const log = await w.repo.git(['log', '--format=%s', 'main']);
    expect(log.split('\n')[1]).toBe('Unrelated change');
  });

  it('two workers receiving the same failure at once (a conditional write loses): one revert', async () => {
    // Prepare
    w = await world();
    const [, failing] = w.shas as [string, string];
    w.deploy({ state: 'crashloop', attempted: failing });

    // Act
    const message = failedRollout(w, failing);
    const results = await Promise.allSettled([
      deliver(w, message, { messageId: 'm-1' }),
      deliver(w, message, { messageId: 'm-2' }),
    ]);

    // Assert
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    expect(await reverts(w, failing)).toBe(1);
  });

  it.each([
    ['500', 500],
    ['403', 403],
  ])(
    'the Kubernetes API answers %s on pods: inconclusive, alerted, nothing reverted',
    async (_name, status) => {
      // Prepare
      w = await world();
      const [, failing] = w.shas as [string, string];
      w.deploy({ state: 'crashloop', attempted: failing });
      w.kube.faults.push(({ method, path }) =>
        method === 'GET' && /\/pods$/.test(path) ? { status } : undefined,
      );

      // Act
      const delivery = await deliver(w, failedRollout(w, failing));

      // Assert
      expect(await reverts(w, failing)).toBe(0);
      expect(delivery.deadLettered).toBe(false);
      expect(w.alerts().map((a) => a.state)).toEqual(['inconclusive']);
    },
  );

  it.each([
    ['500', 500],
    ['403', 403],
  ])(
    'the Kubernetes API answers %s on the Flux object itself: inconclusive, alerted, nothing reverted',
    async (_name, status) => {
      // Prepare
      w = await world();
      const [, failing] = w.shas as [string, string];
      w.deploy({ state: 'crashloop', attempted: failing });
      w.kube.faults.push(({ method, path }) =>
        method === 'GET' && /\/kustomizations\/apps$/.test(path) ? { status } : undefined,
      );

      // Act
      const delivery = await deliver(w, failedRollout(w, failing));

      // Assert
      expect(delivery.outcomes.at(-1)?.code).toBe('live-object-unknown');
      expect(await reverts(w, failing)).toBe(0);
      expect(delivery.deadLettered).toBe(false);
      expect(w.alerts().map((a) => a.state)).toEqual(['inconclusive']);
    },
  );

  it.each([
    ['500', 500],
    ['403 (the reconcile verb missing from the RBAC)', 403],
  ])(
    'the Kubernetes API answers %s on the reconcile patch: the revert stands, once, and the alert says the reconcile failed',
    async (_name, status) => {
      // Prepare
      w = await world();
      const [, failing] = w.shas as [string, string];
      w.deploy({ state: 'crashloop', attempted: failing });
      w.kube.faults.push(({ method }) => (method === 'PATCH' ? { status } : undefined));

      // Act
      const delivery = await deliver(w, failedRollout(w, failing));

      // Assert
      expect(w.kube.requests.some((r) => r.method === 'PATCH')).toBe(true);
      expect(w.patches).toEqual([]);
      expect(await reverts(w, failing)).toBe(1);
      expect(delivery.outcomes.map((o) => o.kind)).toEqual(['acted']);
      const alerts = w.alerts();
      expect(alerts.map((a) => a.state)).toEqual(['reverted']);
      // The alert says the reconcile request failed, with the commands to reconcile by hand.
      expect(alerts[0]?.actions.find((a) => a.kind === 'reconcile')?.label).toMatch(
        /^Could not ask Flux to reconcile .*flux reconcile kustomization apps -n flux-system$/,
      );
    },
  );
});
