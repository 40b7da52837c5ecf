/**
 * Load: 1,000 Flux events for 50 Kustomizations in one burst, with duplicates, retries and
 * out-of-order delivery, through the webhook over HTTP, the SQS FIFO queue and the worker with
 * several messages in flight: exactly one revert per failing Kustomization (read back with git),
 * none for the healthy ones, one alert per incident state change, and every message handled or
 * dead-lettered.
 *
 * The 50 Kustomizations share one GitRepository, as in a real cluster: ten commits each broke
 * one path, and Flux reports every Kustomization at the branch head. So ten reverts race for the
 * same branch at once, and every failing Kustomization names the same failing revision. A revert
 * that loses that race four times is delivered again and pushed then (ObjectBusyError), so every
 * failing Kustomization ends reverted, each with its own reapply pull request.
 *
 * The burst is shuffled (so a group's events reach the queue out of order, as Flux's retries
 * deliver them), four events in five are exact duplicates (deduplicated by the FIFO queue), the rest
 * are Flux's re-posts with new timestamps (they reach the worker), one message in twenty is
 * received again after it was handled, and some retries arrive after the guard acted. The queue's
 * delays run five times faster than real time (visibility timeout 6 s, deduplication 60 s); the
 * worker's clock is the wall clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FluxEventBody } from '../../sandbox/index.js';
import { prng } from '../support/webhook-requests.js';
import { type LoadGuard, startLoadGuard } from './support/load-guard.js';
import { fluxRevision, type LoadObject, type LoadWorld, loadWorld } from './support/load-world.js';

const KUSTOMIZATIONS = 50;
const FAILING = 10;
const FLAPPING = 5;
const EVENTS = 1_000;
const PER_OBJECT = EVENTS / KUSTOMIZATIONS;
const SEED = 15;
/** Later posts of each object's last event (new timestamp, so new bytes), by behaviour. */
const REEMITTED = { failing: 3, flapping: 2, healthy: 1 } as const;

/** The burst's events for one object, and those Flux's retries deliver late (after the guard acted). */
function eventsFor(w: LoadWorld, o: LoadObject, random: () => number) {
  const revision = fluxRevision(w.head);
  const start = Date.now() - 10 * 60_000;
  const at = (seconds: number) => new Date(start + seconds * 1000);
  const terminal = o.behaviour === 'healthy' ? 'ReconciliationSucceeded' : 'HealthCheckFailed';
  const applied = w.event(o, 'Progressing', revision, at(0));
  const first = w.event(o, terminal, revision, at(300));
  // Flux posts the terminal event again on each retry interval: same reason, later timestamp.
  const again = (n: number) => w.event(o, terminal, revision, at(300 + 30 * n));
  const originals: FluxEventBody[] = [applied, first];
  if (o.behaviour === 'flapping') originals.push(w.event(o, 'ReconciliationSucceeded', revision, at(330)));
  // Flux re-posts a failure on each retry interval and a success on each interval; most of the
  // burst is exact duplicates, which the queue deduplicates.
  const reemitted = Array.from({ length: REEMITTED[o.behaviour] }, (_, n) => again(n + 1));
  const late =
    o.behaviour === 'failing'
      ? [again(4), again(5), first] // re-emitted after the revert, and a retry of the first post
      : [applied]; // a retry of the first post
  const burst = [...originals, ...reemitted];
  // Exact duplicates: the same bytes posted again (a notifier retry after a lost answer).
  const distinct = [...burst];
  while (burst.length < PER_OBJECT - late.length) {
    burst.push(distinct[Math.floor(random() * distinct.length)] as FluxEventBody);
  }
  return { burst, late };
}

/** A seeded Fisher–Yates shuffle. */
function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

let w: LoadWorld;
let guard: LoadGuard;
let posted = 0;
/** Every failing Kustomization ends reverted. */
const reverted = (o: LoadObject) => o.behaviour === 'failing';

beforeAll(async () => {
  w = await loadWorld({
    kustomizations: KUSTOMIZATIONS,
    failing: FAILING,
    flapping: FLAPPING,
    settings: {
      confirmChecks: 2,
      confirmIntervalMs: 50,
      // One follow-up per applied revision: its check is the whole bake window.
      bakeMinutes: 0,
      followUpSeconds: 5,
      // Ten simultaneous failures are all reverted; the breaker has its own tests.
      breaker: { maxPerObject: 3, objectWindowHours: 6, maxPerCluster: 100, clusterWindowHours: 1 },
    },
  });
  const redeliverEvery = 20;
  let sequence = 0;
  const chosen = new Set<string>();
  guard = await startLoadGuard(w, {
    containers: 6,
    scale: 5,
    // About one message in twenty is received again after it was handled.
    redeliver: (messageId) => {
      sequence += 1;
      if (sequence % redeliverEvery !== 0) return false;
      chosen.add(messageId);
      return true;
    },
  });
  const random = prng(SEED);
  const plans = w.objects.map((o) => eventsFor(w, o, random));
  const burst = shuffle(
    plans.flatMap((p) => p.burst),
    random,
  );
  const late = shuffle(
    plans.flatMap((p) => p.late),
    random,
  );
  posted = burst.length + late.length;
  await guard.post(burst, 8);
  await guard.settle(150_000);
  await guard.post(late, 8);
  await guard.settle(60_000);
}, 240_000);

afterAll(async () => {
  await guard?.close();
  await w?.close();
});

describe(`load: ${EVENTS} Flux events for ${KUSTOMIZATIONS} Kustomizations (${FAILING} failing)`, () => {
  it('posts 1,000 events, every one answered 202 by the webhook, duplicates deduplicated by the queue', () => {
    expect(posted).toBe(EVENTS);
    // Every post, Flux's reaction to the reverts included, and no retry after a 5xx.
    expect(guard.statuses.length).toBeGreaterThanOrEqual(EVENTS);
    expect(guard.statuses.filter((s) => s !== 202)).toEqual([]);
    expect(guard.fifo.deduplicated).toBeGreaterThan(0);
  });

  it('handled messages with several in flight at once, some twice, some out of order, some late', () => {
    expect(guard.maxInFlight).toBeGreaterThan(1);
    expect(guard.redelivered).toBeGreaterThan(0);
    const twice = new Set(guard.handled.filter((h) => h.receive > 1).map((h) => h.messageId));
    expect(twice.size).toBeGreaterThanOrEqual(guard.redelivered);
    // Out of order within a group: a failure handled before the event that applied its revision.
    const first = new Map<string, string>();
    for (const h of guard.handled) {
      const name = h.outcome?.object?.name;
      if (h.queue === 'fifo' && name && h.outcome?.trigger && !first.has(name))
        first.set(name, h.outcome.trigger);
    }
    expect([...first.values()].filter((t) => t !== 'applied').length).toBeGreaterThan(0);
    // Late: failures of the reverted revision handled after Flux moved on.
    const late = guard.handled.filter(
      (h) => h.outcome?.trigger === 'rollout-failed' && h.outcome.code === 'not-current-revision',
    );
    expect(late.length).toBeGreaterThan(0);
  });

  it('pushes exactly one revert per failing Kustomization, restoring only its path, and none for the others', async () => {
    const reverts = await w.revertsOnBranch();
    for (const o of w.objects) {
      const touching = reverts.filter((r) => r.files.some((f) => f.startsWith(`${o.path}/`)));
      expect(
        touching.map((r) => r.subject),
        o.name,
      ).toHaveLength(reverted(o) ? 1 : 0);
    }
    expect(reverts).toHaveLength(FAILING);
    expect(reverts.every((r) => r.revertOf.includes(w.head))).toBe(true);
    // Every reverted path is back at the good commit on the branch.
    for (const o of w.objects.filter(reverted)) {
      expect(await w.repo.diffNames(w.good, 'refs/heads/main', [o.path]), o.name).toEqual([]);
    }
  });

  it('refuses no revert for good: a revert that lost the race for the branch was delivered again', () => {
    const refused = guard.handled.filter((h) => h.outcome?.revert?.outcome === 'refused');
    expect(refused.map((h) => h.outcome?.revert?.reason)).toEqual([]);
  });

  it('opens one reapply pull request per failing Kustomization, each putting back only its own path', async () => {
    const branches = w.github.pulls.map((p) => p.head).sort();
    expect(branches).toHaveLength(FAILING);
    for (const o of w.objects.filter(reverted)) {
      const pull = w.github.pulls.find((p) => p.head.endsWith(`-${o.name}`));
      const files = await w.repo.git([
        'diff-tree',
        '--no-commit-id',
        '--name-only',
        '-r',
        `refs/heads/${pull?.head}`,
      ]);
      expect(
        files.split('\n').filter((f) => f !== ''),
        o.name,
      ).toEqual([`${o.path}/deployment.yaml`]);
    }
  });

  it('alerts once per incident state change: reverted then recovered for each failing one, inconclusive once for each flapping one, nothing for the healthy', () => {
    const alerts = w.alerts();
    const threads = new Map<string, string[]>();
    for (const alert of alerts) {
      const key = `${alert.target.name} ${alert.incidentId}`;
      threads.set(key, [...(threads.get(key) ?? []), alert.state]);
    }
    for (const o of w.objects) {
      const mine = [...threads.entries()].filter(([key]) => key.startsWith(`${o.name} `));
      const expected = {
        failing: [['reverted', 'recovered']],
        flapping: [['inconclusive']],
        healthy: [],
      }[o.behaviour];
      expect(
        mine.map(([, states]) => states),
        o.name,
      ).toEqual(expected);
    }
  });

  it('loses no message: each is handled to the end or dead-lettered, and nothing failed', () => {
    expect(guard.outstanding()).toEqual({ fifo: 0, followUps: 0, reconciles: 0 });
    const deadLetters = [...guard.fifo.deadLetters, ...guard.followUps.deadLetters];
    expect(deadLetters.map((d) => d.error)).toEqual([]);
    const failed = guard.handled.filter((h) => h.outcome?.kind === 'failed');
    expect(failed.map((h) => h.outcome?.steps.map((s) => s.detail).join('; '))).toEqual([]);
  });

  it('settles contention for an object in process: no message goes back to its queue for a held lease', () => {
    const busy = guard.handled.filter((h) => h.error?.includes('is being handled by another worker'));
    expect(busy.map((h) => `${h.messageId}: ${h.error}`)).toEqual([]);
  });

  it('Flux applied each revert once and each failing Kustomization came back healthy', () => {
    const restored = guard.reconciles.filter((r) => r.restored).map((r) => r.name);
    expect(new Set(restored)).toEqual(new Set(w.objects.filter(reverted).map((o) => o.name)));
    expect(guard.reconciles.filter((r) => !r.restored)).toEqual([]);
  });
});
