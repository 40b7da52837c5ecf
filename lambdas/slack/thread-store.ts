/**
 * The Slack thread record of an incident in the state table: the root message's `ts`, which alert
 * it shows, the incident's states so far, and which SNS messages were already delivered.
 *
 * Item: `pk = INCIDENT#<incidentId>`, `sk = SLACK#<channelId>` (or `SLACK#WEBHOOK` for an incoming
 * webhook), attributes `channel`, `ts`, `updatedAt`, `expiresAt` (TTL, epoch seconds), `delivered`
 * (string set of SNS message ids), `history` (list), `rootAlert` (the alert the root shows, JSON),
 * `rootMessageId`, `shownMessageId`, and while a root message is being posted `claim`/`claimedAt`.
 * Every write is conditional, so two deliveries at once cannot both post a root.
 *
 * @module
 */
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { AlertState } from '../alerts/index.js';
import { SlackThreadStoreError } from './errors.js';

/** One state change the thread has shown. */
export interface ThreadHistoryEntry {
  state: AlertState;
  occurredAt: string;
  messageId: string;
}

/** Where a thread lives: the incident, and the channel id (or `WEBHOOK`). */
export interface ThreadKey {
  incidentId: string;
  channel: string;
}

/** The record as read. */
export interface SlackThreadRecord {
  channel: string;
  /** The root message's `ts`, once it is posted. */
  ts?: string;
  /** The SNS message id posting the root right now, and since when (epoch ms). */
  claim?: string;
  claimedAt?: number;
  delivered: ReadonlySet<string>;
  history: readonly ThreadHistoryEntry[];
  /** The alert the root message shows (or is about to show), as JSON. */
  rootAlert?: string;
  rootMessageId?: string;
  /** The message id whose alert Slack has confirmed the root shows. */
  shownMessageId?: string;
}

/** The conditional writes the Slack delivery needs. */
export interface SlackThreadStore {
  read(key: ThreadKey): Promise<SlackThreadRecord | undefined>;
  /** Takes the right to post the root: no record yet, or a claim older than `staleBefore` and no `ts`. */
  claimRoot(key: ThreadKey, messageId: string, staleBefore: Date): Promise<boolean>;
  /** Gives a claim back after the root could not be posted. */
  releaseClaim(key: ThreadKey, messageId: string): Promise<void>;
  /** Records the posted root under our claim. */
  saveRoot(
    key: ThreadKey,
    root: { ts: string; messageId: string; alert: string; entry: ThreadHistoryEntry },
  ): Promise<void>;
  /** Records a delivered message (once) and its history entry. */
  recordDelivery(key: ThreadKey, messageId: string, entry: ThreadHistoryEntry): Promise<void>;
  /** Makes `alert` the root's alert, if the root still shows `expected`. */
  moveRoot(key: ThreadKey, messageId: string, alert: string, expected: string | undefined): Promise<boolean>;
  /** Records that Slack shows the root's alert `messageId`, if it still is the root's alert. */
  markShown(key: ThreadKey, messageId: string): Promise<boolean>;
}

/** Options of {@link DynamoDbSlackThreadStore}. */
export interface DynamoDbSlackThreadStoreOptions {
  client: DynamoDBClient;
  tableName: string;
  /** How long a record is kept after its last write (default 30 days). */
  retentionDays?: number;
  now?: () => Date;
}

const S = (value: string): AttributeValue => ({ S: value });
const N = (value: number): AttributeValue => ({ N: String(value) });

/**
 * {@link SlackThreadStore} on the DynamoDB state table.
 *
 * @example
 * ```ts
 * const store = new DynamoDbSlackThreadStore({ client: new DynamoDBClient({}), tableName: config.stateTableName });
 * ```
 */
export class DynamoDbSlackThreadStore implements SlackThreadStore {
  readonly #client: DynamoDBClient;
  readonly #table: string;
  readonly #retentionSeconds: number;
  readonly #now: () => Date;

  constructor({
    client,
    tableName,
    retentionDays = 30,
    now = () => new Date(),
  }: DynamoDbSlackThreadStoreOptions) {
    this.#client = client;
    this.#table = tableName;
    this.#retentionSeconds = retentionDays * 86_400;
    this.#now = now;
  }

  async read(key: ThreadKey): Promise<SlackThreadRecord | undefined> {
    const result = await this.#send('read', () =>
      this.#client.send(
        new GetItemCommand({ TableName: this.#table, Key: itemKey(key), ConsistentRead: true }),
      ),
    );
    return result.Item ? fromItem(result.Item) : undefined;
  }

  claimRoot(key: ThreadKey, messageId: string, staleBefore: Date): Promise<boolean> {
    return this.#conditional(
      'claim the root',
      {
        UpdateExpression:
          'SET claim = :id, claimedAt = :now, channel = :channel, updatedAt = :at, expiresAt = :ttl',
        ConditionExpression:
          'attribute_not_exists(pk) OR (attribute_not_exists(ts) AND (attribute_not_exists(claimedAt) OR claimedAt < :stale OR claim = :id))',
        ExpressionAttributeValues: {
          ':id': S(messageId),
          ':now': N(this.#now().getTime()),
          ':stale': N(staleBefore.getTime()),
          ':channel': S(key.channel),
          ...this.#stamp(),
        },
      },
      key,
    );
  }

  async releaseClaim(key: ThreadKey, messageId: string): Promise<void> {
    try {
      await this.#client.send(
        new DeleteItemCommand({
          TableName: this.#table,
          Key: itemKey(key),
          ConditionExpression: 'claim = :id AND attribute_not_exists(ts)',
          ExpressionAttributeValues: { ':id': S(messageId) },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return;
      throw new SlackThreadStoreError('could not release the Slack root claim', { cause: error });
    }
  }

  async saveRoot(
    key: ThreadKey,
    root: { ts: string; messageId: string; alert: string; entry: ThreadHistoryEntry },
  ): Promise<void> {
    const saved = await this.#conditional(
      'save the root',
      {
        UpdateExpression:
          'SET ts = :ts, rootAlert = :alert, rootMessageId = :id, shownMessageId = :id, history = :history, updatedAt = :at, expiresAt = :ttl ADD delivered :ids REMOVE claim, claimedAt',
        ConditionExpression: 'claim = :id AND attribute_not_exists(ts)',
        ExpressionAttributeValues: {
          ':ts': S(root.ts),
          ':alert': S(root.alert),
          ':id': S(root.messageId),
          ':ids': { SS: [root.messageId] },
          ':history': { L: [historyItem(root.entry)] },
          ...this.#stamp(),
        },
      },
      key,
    );
    if (!saved) throw new SlackThreadStoreError('the Slack root claim was lost before the root was saved');
  }

  async recordDelivery(key: ThreadKey, messageId: string, entry: ThreadHistoryEntry): Promise<void> {
    await this.#conditional(
      'record the delivery',
      {
        UpdateExpression:
          'SET channel = if_not_exists(channel, :channel), history = list_append(if_not_exists(history, :empty), :entry), updatedAt = :at, expiresAt = :ttl ADD delivered :ids',
        ConditionExpression: 'NOT contains(delivered, :id)',
        ExpressionAttributeValues: {
          ':channel': S(key.channel),
          ':empty': { L: [] },
          ':entry': { L: [historyItem(entry)] },
          ':id': S(messageId),
          ':ids': { SS: [messageId] },
          ...this.#stamp(),
        },
      },
      key,
    );
  }

  moveRoot(key: ThreadKey, messageId: string, alert: string, expected: string | undefined): Promise<boolean> {
    return this.#conditional(
      'move the root',
      {
        UpdateExpression: 'SET rootAlert = :alert, rootMessageId = :id, updatedAt = :at, expiresAt = :ttl',
        ConditionExpression:
          expected === undefined ? 'attribute_not_exists(rootMessageId)' : 'rootMessageId = :expected',
        ExpressionAttributeValues: {
          ':alert': S(alert),
          ':id': S(messageId),
          ...(expected === undefined ? {} : { ':expected': S(expected) }),
          ...this.#stamp(),
        },
      },
      key,
    );
  }

  markShown(key: ThreadKey, messageId: string): Promise<boolean> {
    return this.#conditional(
      'mark the root shown',
      {
        UpdateExpression: 'SET shownMessageId = :id, updatedAt = :at',
        ConditionExpression: 'rootMessageId = :id',
        ExpressionAttributeValues: { ':id': S(messageId), ':at': S(this.#now().toISOString()) },
      },
      key,
    );
  }

  #stamp(): Record<string, AttributeValue> {
    const now = this.#now();
    return {
      ':at': S(now.toISOString()),
      ':ttl': N(Math.floor(now.getTime() / 1000) + this.#retentionSeconds),
    };
  }

  async #conditional(
    what: string,
    input: Omit<UpdateItemCommandInput, 'TableName' | 'Key'>,
    key: ThreadKey,
  ): Promise<boolean> {
    try {
      await this.#client.send(new UpdateItemCommand({ TableName: this.#table, Key: itemKey(key), ...input }));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw new SlackThreadStoreError(`could not ${what} in the state table`, { cause: error });
    }
  }

  async #send<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw new SlackThreadStoreError(`could not ${what} the Slack thread record`, { cause: error });
    }
  }
}

/** The item key of a thread: `INCIDENT#<incidentId>` / `SLACK#<channel>`. */
export function threadItemKey(key: ThreadKey): { pk: string; sk: string } {
  return { pk: `INCIDENT#${key.incidentId}`, sk: `SLACK#${key.channel}` };
}

function itemKey(key: ThreadKey): Record<string, AttributeValue> {
  const { pk, sk } = threadItemKey(key);
  return { pk: S(pk), sk: S(sk) };
}

function historyItem(entry: ThreadHistoryEntry): AttributeValue {
  return { M: { state: S(entry.state), occurredAt: S(entry.occurredAt), messageId: S(entry.messageId) } };
}

function fromItem(item: Record<string, AttributeValue>): SlackThreadRecord {
  const text = (name: string) => item[name]?.S;
  const claimedAt = item.claimedAt?.N;
  return {
    channel: text('channel') ?? '',
    ts: text('ts'),
    claim: text('claim'),
    claimedAt: claimedAt === undefined ? undefined : Number(claimedAt),
    delivered: new Set(item.delivered?.SS ?? []),
    history: (item.history?.L ?? []).map((entry) => ({
      state: (entry.M?.state?.S ?? 'failing') as AlertState,
      occurredAt: entry.M?.occurredAt?.S ?? '',
      messageId: entry.M?.messageId?.S ?? '',
    })),
    rootAlert: text('rootAlert'),
    rootMessageId: text('rootMessageId'),
    shownMessageId: text('shownMessageId'),
  };
}
