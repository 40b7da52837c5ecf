import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbStateStore } from '../../../lambdas/incident-response/dynamodb-state-store.js';
import type { IncidentRecord, LedgerEntry, ObjectRef } from '../../../lambdas/incident-response/model.js';
import { type LocalDynamoDb, startLocalDynamoDb } from '../../../sandbox/index.js';

let db: LocalDynamoDb;
let tables = 0;
beforeAll(async () => {
  db = await startLocalDynamoDb();
});
afterAll(async () => {
  await db.close();
});

async function store(): Promise<DynamoDbStateStore> {
  tables += 1;
  await db.createStateTable(`state-${tables}`);
  return new DynamoDbStateStore({ client: db.client, tableName: `state-${tables}` });
}

const ref: ObjectRef = { cluster: 'prod', kind: 'Kustomization', namespace: 'flux-system', name: 'apps' };
const T = new Date('2026-05-04T12:00:00Z');
const at = (minutes: number) => new Date(T.getTime() + minutes * 60_000);
const entry = (over: Partial<LedgerEntry> = {}): LedgerEntry => ({
  repository: 'acme/gitops',
  sha: 'a'.repeat(40),
  object: ref,
  status: 'pending',
  incidentId: 'inc-1',
  at: T.toISOString(),
  ...over,
});

describe('DynamoDbStateStore against dynalite (real conditional writes)', () => {
  it('lets exactly one of two concurrent workers begin the same revert', async () => {
    const s = await store();
    const answers = await Promise.all([
      s.beginRevert(entry(), at(2), T),
      s.beginRevert(entry({ incidentId: 'inc-1' }), at(2), T),
    ]);
    expect(answers.map((a) => a.kind).sort()).toEqual(['busy', 'started']);
  });

  it('gives up, instead of looping, when the ledger write is refused but no entry can be read', async () => {
    // Prepare: every ledger write fails its condition, as if the entry expired right after
    const s = await store();
    db.faults.push(({ operation, body }) =>
      operation === 'PutItem' && String((body.Item as { pk?: { S?: string } }).pk?.S).startsWith('LEDGER#')
        ? { type: 'ConditionalCheckFailedException' }
        : undefined,
    );

    // Act
    const begun = s.beginRevert(entry(), at(5), T);

    // Assess
    await expect(begun).rejects.toMatchObject({ name: 'StateStoreError' });
    db.faults.length = 0;
  });

  it('answers done once completed, and lets a retry resume a pending entry only after its lease', async () => {
    const s = await store();
    expect((await s.beginRevert(entry(), at(2), T)).kind).toBe('started');
    expect((await s.beginRevert(entry(), at(3), at(1))).kind).toBe('busy');
    expect((await s.beginRevert(entry(), at(5), at(3))).kind).toBe('started');
    await s.completeRevert(entry({ status: 'pushed', commit: 'b'.repeat(40), at: at(3).toISOString() }));
    const again = await s.beginRevert(entry(), at(10), at(9));
    expect(again).toMatchObject({ kind: 'done', entry: { status: 'pushed', commit: 'b'.repeat(40) } });
  });

  it('keys the ledger by repository, reverted sha and object: another Kustomization reverts the same commit', async () => {
    const s = await store();
    await s.beginRevert(entry(), at(2), T);
    const other = await s.beginRevert(entry({ object: { ...ref, name: 'infra' } }), at(2), T);
    expect(other.kind).toBe('started');
  });

  it('counts reverted incidents per object and per cluster, each in its own window, once per incident', async () => {
    const s = await store();
    await s.recordRevert(ref, at(0), 'inc-1');
    await s.recordRevert(ref, at(200), 'inc-2');
    await s.recordRevert(ref, at(300), 'inc-2');
    await s.recordRevert({ ...ref, name: 'other' }, at(330), 'inc-3');
    const counts = await s.countReverts(ref, { object: at(360 - 6 * 60), cluster: at(360 - 60) });
    expect(counts).toEqual({ object: 2, cluster: 1 });
  });

  it('loads an object in one query: last known good, applied revision, breaker and incidents', async () => {
    const s = await store();
    await s.putKnownGood(ref, { revision: 'main@sha1:x', sha: 'x', at: T.toISOString() });
    await s.putApplied(ref, { revision: 'main@sha1:y', sha: 'y', appliedAt: T.toISOString() });
    await s.openBreaker(ref, 'revert failed', T);
    const incident: IncidentRecord = {
      id: 'inc-1',
      object: ref,
      state: 'reverted',
      trigger: { source: 'flux', reason: 'HealthCheckFailed', at: T.toISOString() },
      revision: 'main@sha1:y',
      actions: [],
      threadId: 'inc-1',
      openedAt: T.toISOString(),
      updatedAt: T.toISOString(),
      failedAt: T.toISOString(),
    };
    await s.putIncident(incident);
    const before = db.operations.length;
    const state = await s.loadObject(ref);
    expect(db.operations.slice(before)).toEqual(['Query']);
    expect(state).toEqual({
      lastKnownGood: { revision: 'main@sha1:x', sha: 'x', at: T.toISOString() },
      applied: { revision: 'main@sha1:y', sha: 'y', appliedAt: T.toISOString() },
      breaker: { open: true, reason: 'revert failed', at: T.toISOString() },
      incidents: [incident],
    });
    await s.resetBreaker(ref, at(1));
    expect((await s.loadObject(ref)).breaker).toMatchObject({ open: false, resetAt: at(1).toISOString() });
    const summary = await s.summary();
    expect(summary.openIncidents.map((i) => i.id)).toEqual(['inc-1']);
    expect(summary.lastKnownGood).toEqual([
      { object: 'prod/Kustomization/flux-system/apps', lastKnownGood: expect.anything() },
    ]);
  });

  it('grants the object lease to one owner until it ends', async () => {
    const s = await store();
    expect(await s.takeLease(ref, 'a', at(1), T)).toBe(true);
    expect(await s.takeLease(ref, 'b', at(1), T)).toBe(false);
    expect(await s.takeLease(ref, 'b', at(3), at(2))).toBe(true);
    await s.releaseLease(ref, 'a');
    expect(await s.takeLease(ref, 'a', at(4), at(2))).toBe(false);
    await s.releaseLease(ref, 'b');
    expect(await s.takeLease(ref, 'a', at(4), at(2))).toBe(true);
  });

  it('tells who holds the object lease and until when, and nothing once it is released', async () => {
    const s = await store();
    expect(await s.readLease(ref)).toBeUndefined();
    await s.takeLease(ref, 'a', at(1), T);
    expect(await s.readLease(ref)).toEqual({ owner: 'a', until: at(1) });
    await s.releaseLease(ref, 'a');
    expect(await s.readLease(ref)).toBeUndefined();
  });

  it('records an incident and a decision and ends the lease in one request', async () => {
    // Prepare
    const s = await store();
    await s.takeLease(ref, 'm-1', at(5), T);
    const before = db.operations.length;
    const incident = {
      id: 'inc-1',
      object: ref,
      state: 'reverted',
      trigger: { source: 'flux', reason: 'HealthCheckFailed', at: T.toISOString() },
      revision: 'main@sha1:abc',
      actions: [],
      threadId: 'inc-1',
      openedAt: T.toISOString(),
      updatedAt: T.toISOString(),
      failedAt: T.toISOString(),
    } satisfies IncidentRecord;
    const decision = {
      at: T.toISOString(),
      messageId: 'm-1',
      source: 'flux',
      trigger: 'rollout-failed',
      action: 'revert',
      reason: 'confirmed-failure',
      detail: 'crash loop',
    } as const;

    // Act
    await s.record(ref, { incident, decision, lease: { owner: 'm-1', until: at(5) } }, T);

    // Assess
    expect(db.operations.slice(before)).toEqual(['BatchWriteItem']);
    expect((await s.loadObject(ref)).incidents.map((i) => i.state)).toEqual(['reverted']);
    expect((await s.summary()).recentDecisions.map((d) => d.reason)).toEqual(['confirmed-failure']);
    expect(await s.takeLease(ref, 'm-2', at(5), at(1))).toBe(true);
  });

  it('ends a lease close to its end only when it is still its own, never another owner’s', async () => {
    // Prepare: m-1's lease ran out while it worked, and m-2 took the object
    const s = await store();
    await s.takeLease(ref, 'm-1', at(5), T);
    await s.takeLease(ref, 'm-2', at(11), at(6));

    // Act: m-1 records its outcome late
    await s.record(ref, { lease: { owner: 'm-1', until: at(5) } }, at(6));

    // Assess: m-2 still holds the object
    expect(await s.takeLease(ref, 'm-3', at(12), at(7))).toBe(false);
  });
});
