/**
 * The state table in DynamoDB: one table, string keys `pk` and `sk`, TTL attribute `expiresAt`
 * (epoch seconds), on-demand. Item types and their keys:
 *
 * | item | pk | sk | TTL |
 * | --- | --- | --- | --- |
 * | last known good | `OBJECT#<cluster>/<Kind>/<ns>/<name>` | `LKG` | none |
 * | revision applied last (bake window) | `OBJECT#…` | `APPLIED` | 7 days |
 * | breaker flag (open / reset) | `OBJECT#…` | `BREAKER` | none |
 * | incident | `OBJECT#…` | `INCIDENT#<incidentId>` | 90 days |
 * | object lease (one message per object at a time) | `OBJECT#…` | `LEASE` | the lease's end |
 * | revert ledger | `LEDGER#<owner>/<repo>` | `<reverted sha>#<cluster>/<Kind>/<ns>/<name>` | 90 days |
 * | breaker count (one per automatically reverted incident) | `BREAKER#<cluster>` | `REVERT#<object>#<incidentId>` | 2 days |
 * | decision log | `DECISIONS#<object>` | `<ISO time>#<message id>` | 30 days |
 * | Powertools idempotency | `IDEMPOTENCY#<function>` | the record's hash | Powertools' |
 * | Slack thread (slack-notifier) | `INCIDENT#<incidentId>` | `SLACK#<channelId>` | the notifier's |
 *
 * @module
 */
import {
  ConditionalCheckFailedException,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { StateStoreError } from './errors.js';
import type { AppliedRevision, IncidentRecord, LastKnownGood, LedgerEntry, ObjectRef } from './model.js';
import { FINAL_STATES, objectKey } from './model.js';
import type {
  BeginRevert,
  DecisionRecord,
  ObjectState,
  RecordWrites,
  StateStore,
  StateSummary,
} from './state-store.js';

const DAY = 86_400;

/** The table's schema, exactly as the guard stack deploys it (`fluxguard state init` creates it). */
export function stateTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    BillingMode: 'PAY_PER_REQUEST',
  };
}

/** The TTL attribute (epoch seconds). */
export const TTL_ATTRIBUTE = 'expiresAt';

const objectPk = (ref: ObjectRef) => `OBJECT#${objectKey(ref)}`;

/** A lease this close to its end may already be another's: released with a condition instead. */
const LEASE_MARGIN_MS = 30_000;
const BATCH_ATTEMPTS = 5;

function incidentItem(incident: IncidentRecord): Record<string, unknown> {
  return {
    pk: objectPk(incident.object),
    sk: `INCIDENT#${incident.id}`,
    ...incident,
    expiresAt: epoch(new Date(incident.updatedAt), 90 * DAY),
  };
}

function decisionItem(ref: ObjectRef, decision: DecisionRecord): Record<string, unknown> {
  return {
    pk: `DECISIONS#${objectKey(ref)}`,
    sk: `${decision.at}#${decision.messageId}`,
    ...decision,
    expiresAt: epoch(new Date(decision.at), 30 * DAY),
  };
}
const ledgerKey = (entry: Pick<LedgerEntry, 'repository' | 'sha' | 'object'>) => ({
  pk: `LEDGER#${entry.repository}`,
  sk: `${entry.sha}#${objectKey(entry.object)}`,
});
const epoch = (date: Date, plusSeconds = 0) => Math.floor(date.getTime() / 1000) + plusSeconds;

function strip<T>(item: Record<string, unknown> | undefined): T | undefined {
  if (!item) return undefined;
  const { pk: _pk, sk: _sk, expiresAt: _ttl, ...rest } = item;
  return rest as T;
}

/** Options of {@link DynamoDbStateStore}. */
export interface DynamoDbStateStoreOptions {
  client: DynamoDBClient;
  tableName: string;
}

/**
 * {@link StateStore} on DynamoDB. The ledger and the lease are conditional writes, so two workers
 * can never both push the same revert.
 *
 * @example
 * ```ts
 * const store = new DynamoDbStateStore({ client: new DynamoDBClient({}), tableName: 'fluxguard-state' });
 * const state = await store.loadObject({ cluster: 'prod', kind: 'Kustomization', namespace: 'flux-system', name: 'apps' });
 * ```
 */
export class DynamoDbStateStore implements StateStore {
  readonly #doc: DynamoDBDocumentClient;
  readonly #table: string;

  constructor({ client, tableName }: DynamoDbStateStoreOptions) {
    this.#doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    this.#table = tableName;
  }

  async #send<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw error;
      throw new StateStoreError(`state table ${this.#table}: ${what} failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  async #put(item: Record<string, unknown>, what: string): Promise<void> {
    await this.#send(what, () => this.#doc.send(new PutCommand({ TableName: this.#table, Item: item })));
  }

  async loadObject(ref: ObjectRef): Promise<ObjectState> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.#send('load object', () =>
        this.#doc.send(
          new QueryCommand({
            TableName: this.#table,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': objectPk(ref) },
            ExclusiveStartKey: start,
          }),
        ),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    const state: ObjectState = { incidents: [] };
    for (const item of items) {
      const sk = String(item.sk);
      if (sk === 'LKG') state.lastKnownGood = strip<LastKnownGood>(item);
      else if (sk === 'APPLIED') state.applied = strip<AppliedRevision>(item);
      else if (sk === 'BREAKER') state.breaker = strip<ObjectState['breaker']>(item);
      else if (sk.startsWith('INCIDENT#'))
        state.incidents.push(strip<IncidentRecord>(item) as IncidentRecord);
    }
    return state;
  }

  async countReverts(
    ref: ObjectRef,
    since: { object: Date; cluster: Date },
  ): Promise<{ object: number; cluster: number }> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.#send('count reverts', () =>
        this.#doc.send(
          new QueryCommand({
            TableName: this.#table,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': `BREAKER#${ref.cluster}` },
            ExclusiveStartKey: start,
          }),
        ),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    const key = objectKey(ref);
    let object = 0;
    let cluster = 0;
    for (const item of items) {
      const at = new Date(String(item.at));
      if (at >= since.cluster) cluster += 1;
      if (item.object === key && at >= since.object) object += 1;
    }
    return { object, cluster };
  }

  async beginRevert(entry: LedgerEntry, leaseUntil: Date, now: Date, attempt = 1): Promise<BeginRevert> {
    const key = ledgerKey(entry);
    try {
      await this.#doc.send(
        new PutCommand({
          TableName: this.#table,
          Item: {
            ...key,
            ...entry,
            status: 'pending',
            leaseUntil: leaseUntil.toISOString(),
            expiresAt: epoch(now, 90 * DAY),
          },
          ConditionExpression: 'attribute_not_exists(pk) OR (#status = :pending AND leaseUntil < :now)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pending': 'pending', ':now': now.toISOString() },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) {
        throw new StateStoreError(
          `state table ${this.#table}: ledger write failed: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      }
      const old =
        strip<LedgerEntry>(error.Item as Record<string, unknown> | undefined) ??
        strip<LedgerEntry>(
          (
            await this.#send('ledger read', () =>
              this.#doc.send(new GetCommand({ TableName: this.#table, Key: key, ConsistentRead: true })),
            )
          ).Item,
        );
      // The entry vanished between the write and the read (its TTL): try once more, then let the
      // message be retried rather than loop.
      if (!old && attempt < 2) return this.beginRevert(entry, leaseUntil, now, attempt + 1);
      if (!old) {
        throw new StateStoreError(
          `state table ${this.#table}: the ledger write's condition failed but no entry is there`,
        );
      }
      return old.status === 'pending' ? { kind: 'busy', entry: old } : { kind: 'done', entry: old };
    }
    return { kind: 'started' };
  }

  async abandonRevert(entry: LedgerEntry): Promise<void> {
    try {
      await this.#doc.send(
        new DeleteCommand({
          TableName: this.#table,
          Key: ledgerKey(entry),
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pending': 'pending' },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return;
      throw new StateStoreError(
        `state table ${this.#table}: ledger abandon failed: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  }

  async completeRevert(entry: LedgerEntry): Promise<void> {
    await this.#send('ledger completion', () =>
      this.#doc.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: ledgerKey(entry),
          UpdateExpression:
            'SET #status = :status, #commit = :commit, #url = :url, completedAt = :at REMOVE leaseUntil',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#status': 'status', '#commit': 'commit', '#url': 'url' },
          ExpressionAttributeValues: {
            ':status': entry.status,
            ':commit': entry.commit ?? null,
            ':url': entry.url ?? null,
            ':at': entry.at,
          },
        }),
      ),
    );
  }

  async recordRevert(ref: ObjectRef, at: Date, incidentId: string): Promise<void> {
    try {
      await this.#doc.send(
        new PutCommand({
          TableName: this.#table,
          Item: {
            pk: `BREAKER#${ref.cluster}`,
            sk: `REVERT#${objectKey(ref)}#${incidentId}`,
            object: objectKey(ref),
            at: at.toISOString(),
            incidentId,
            expiresAt: epoch(at, 2 * DAY),
          },
          // One count per incident, whatever the retries: the first time stays.
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return;
      throw new StateStoreError(
        `state table ${this.#table}: breaker count failed: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  }

  async putIncident(incident: IncidentRecord): Promise<void> {
    await this.#put(incidentItem(incident), 'incident write');
  }

  async putKnownGood(ref: ObjectRef, good: LastKnownGood): Promise<void> {
    await this.#put({ pk: objectPk(ref), sk: 'LKG', ...good }, 'last known good write');
  }

  async putApplied(ref: ObjectRef, applied: AppliedRevision): Promise<void> {
    await this.#put(
      {
        pk: objectPk(ref),
        sk: 'APPLIED',
        ...applied,
        expiresAt: epoch(new Date(applied.appliedAt), 7 * DAY),
      },
      'applied revision write',
    );
  }

  async openBreaker(ref: ObjectRef, reason: string, at: Date): Promise<void> {
    await this.#put(
      { pk: objectPk(ref), sk: 'BREAKER', open: true, reason, at: at.toISOString() },
      'breaker write',
    );
  }

  async resetBreaker(ref: ObjectRef, at: Date): Promise<void> {
    await this.#put(
      {
        pk: objectPk(ref),
        sk: 'BREAKER',
        open: false,
        reason: 'reset by hand',
        at: at.toISOString(),
        resetAt: at.toISOString(),
      },
      'breaker reset',
    );
  }

  async recordDecision(ref: ObjectRef, decision: DecisionRecord): Promise<void> {
    await this.#put(decisionItem(ref, decision), 'decision log write');
  }

  async record(ref: ObjectRef, { incident, decision, lease }: RecordWrites, now: Date): Promise<void> {
    const requests: Array<Record<string, unknown>> = [];
    if (incident) requests.push({ PutRequest: { Item: incidentItem(incident) } });
    if (decision) requests.push({ PutRequest: { Item: decisionItem(ref, decision) } });
    // Unconditional, so only while the lease surely is still ours: nobody takes an unexpired lease.
    const ours = lease !== undefined && lease.until.getTime() - now.getTime() > LEASE_MARGIN_MS;
    if (ours) requests.push({ DeleteRequest: { Key: { pk: objectPk(ref), sk: 'LEASE' } } });
    if (requests.length > 0) await this.#batchWrite(requests);
    if (lease && !ours) await this.releaseLease(ref, lease.owner);
  }

  /** BatchWriteItem, sending again what DynamoDB left unprocessed (throttling) with a short backoff. */
  async #batchWrite(requests: Array<Record<string, unknown>>): Promise<void> {
    let pending = requests;
    for (let attempt = 0; attempt < BATCH_ATTEMPTS; attempt += 1) {
      const answer = await this.#send('record', () =>
        this.#doc.send(new BatchWriteCommand({ RequestItems: { [this.#table]: pending } })),
      );
      const left = answer.UnprocessedItems?.[this.#table] ?? [];
      if (left.length === 0) return;
      pending = left as Array<Record<string, unknown>>;
      await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
    }
    throw new StateStoreError(
      `state table ${this.#table}: ${pending.length} write(s) still unprocessed after ${BATCH_ATTEMPTS} attempts (throttled)`,
    );
  }

  async takeLease(ref: ObjectRef, owner: string, until: Date, now: Date): Promise<boolean> {
    try {
      await this.#doc.send(
        new PutCommand({
          TableName: this.#table,
          Item: {
            pk: objectPk(ref),
            sk: 'LEASE',
            owner,
            until: until.toISOString(),
            expiresAt: epoch(until, 60),
          },
          ConditionExpression: 'attribute_not_exists(pk) OR #until < :now OR #owner = :owner',
          ExpressionAttributeNames: { '#until': 'until', '#owner': 'owner' },
          ExpressionAttributeValues: { ':now': now.toISOString(), ':owner': owner },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw new StateStoreError(`state table ${this.#table}: lease failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  async readLease(ref: ObjectRef): Promise<{ owner: string; until: Date } | undefined> {
    const answer = await this.#send('lease read', () =>
      this.#doc.send(
        new GetCommand({
          TableName: this.#table,
          Key: { pk: objectPk(ref), sk: 'LEASE' },
          ConsistentRead: true,
        }),
      ),
    );
    const item = answer.Item as { owner?: string; until?: string } | undefined;
    if (!item?.owner || !item.until) return undefined;
    return { owner: item.owner, until: new Date(item.until) };
  }

  async releaseLease(ref: ObjectRef, owner: string): Promise<void> {
    try {
      await this.#doc.send(
        new DeleteCommand({
          TableName: this.#table,
          Key: { pk: objectPk(ref), sk: 'LEASE' },
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': owner },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async summary(limit = 20): Promise<StateSummary> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.#send('scan', () =>
        this.#doc.send(new ScanCommand({ TableName: this.#table, ExclusiveStartKey: start })),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    const summary: StateSummary = {
      openIncidents: [],
      lastKnownGood: [],
      breakers: [],
      pendingReverts: [],
      recentDecisions: [],
    };
    for (const item of items) {
      const pk = String(item.pk);
      const sk = String(item.sk);
      const object = pk.slice(pk.indexOf('#') + 1);
      if (pk.startsWith('OBJECT#') && sk.startsWith('INCIDENT#')) {
        const incident = strip<IncidentRecord>(item) as IncidentRecord;
        if (!FINAL_STATES.includes(incident.state)) summary.openIncidents.push(incident);
      } else if (pk.startsWith('OBJECT#') && sk === 'LKG') {
        summary.lastKnownGood.push({ object, lastKnownGood: strip<LastKnownGood>(item) as LastKnownGood });
      } else if (pk.startsWith('OBJECT#') && sk === 'BREAKER') {
        summary.breakers.push({
          object,
          open: item.open === true,
          reason: item.reason as string,
          at: String(item.at),
        });
      } else if (pk.startsWith('LEDGER#') && item.status === 'pending') {
        summary.pendingReverts.push(strip<LedgerEntry>(item) as LedgerEntry);
      } else if (pk.startsWith('DECISIONS#')) {
        summary.recentDecisions.push({ ...(strip<DecisionRecord>(item) as DecisionRecord), object });
      }
    }
    summary.recentDecisions.sort((a, b) => b.at.localeCompare(a.at));
    summary.recentDecisions.splice(limit);
    summary.openIncidents.sort((a, b) => b.openedAt.localeCompare(a.openedAt));
    return summary;
  }
}
