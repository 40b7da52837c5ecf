import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { makeStateInitCommand } from '../../cli/commands/state.js';
import { main } from '../../cli/main.js';
import { stateTableDefinition } from '../../lambdas/incident-response/index.js';
import { captureIO } from '../support/capture-io.js';
import { type DynamoDbWithTtl, startDynamoDbWithTtl } from './support/dynamodb-with-ttl.js';

let db: DynamoDbWithTtl | undefined;
const AWS_KEYS = ['AWS_ENDPOINT_URL', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'];
const saved = { ...process.env };
afterEach(async () => {
  for (const key of AWS_KEYS) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
  await db?.close();
  db = undefined;
});

/** DynamoDB with TTL (tables CREATING for `createTableMs`), where the AWS SDK (process.env) finds it. */
async function dynamoDb(createTableMs = 0): Promise<DynamoDbWithTtl> {
  db = await startDynamoDbWithTtl({ createTableMs });
  process.env.AWS_ENDPOINT_URL = db.url;
  process.env.AWS_REGION = 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID = 'local';
  process.env.AWS_SECRET_ACCESS_KEY = 'local';
  return db;
}

const init = makeStateInitCommand({ pollMs: 50 });
const stateInit = (io: ReturnType<typeof captureIO>, table = 'fluxguard-state') =>
  main(['state', 'init', '--table', table], io, [init]);

describe('fluxguard state init against DynamoDB with TTL', () => {
  it('waits until the new table is ACTIVE, then enables TTL on expiresAt', async () => {
    const d = await dynamoDb(600);
    const io = captureIO({});

    const code = await stateInit(io);

    expect(io.err).toEqual([]);
    expect(code).toBe(0);
    expect(d.ttlUpdates).toEqual(['fluxguard-state ACTIVE']);
    expect(d.ttl.get('fluxguard-state')).toBe('expiresAt');
    expect(io.out).toEqual(['created table fluxguard-state (pk, sk; on-demand)', 'TTL on expiresAt']);
  });

  it('gives up after its bounded wait when the table stays CREATING, and says so (69)', async () => {
    const d = await dynamoDb(5_000);
    const io = captureIO({});

    const code = await main(['state', 'init', '--table', 'slow'], io, [
      makeStateInitCommand({ pollMs: 50, timeoutMs: 300 }),
    ]);

    expect(code).toBe(69);
    expect(io.err).toEqual([
      'error: table slow is still CREATING after 0.3 s; run fluxguard state init again later',
    ]);
    expect(d.ttlUpdates).toEqual([]);
  });

  it('fails (1) with the reason when TTL cannot be enabled', async () => {
    const d = await dynamoDb();
    d.ttlFault = {
      type: 'AccessDeniedException',
      message: 'not authorized to perform: dynamodb:UpdateTimeToLive',
    };
    const io = captureIO({});

    const code = await stateInit(io);

    expect(code).toBe(1);
    expect(io.err).toEqual([
      'error: TTL on expiresAt could not be enabled for table fluxguard-state: AccessDeniedException: not authorized to perform: dynamodb:UpdateTimeToLive',
    ]);
  });

  it('answers a second run on the same table "already exists, schema matches", TTL already on (0)', async () => {
    const d = await dynamoDb();
    const first = captureIO({});
    const second = captureIO({});

    expect(await stateInit(first)).toBe(0);
    expect(await stateInit(second)).toBe(0);

    expect(second.err).toEqual([]);
    expect(second.out).toEqual([
      'table fluxguard-state already exists, schema matches',
      'TTL on expiresAt (already)',
    ]);
    expect(d.ttlUpdates).toEqual(['fluxguard-state ACTIVE']);
  });

  it('repairs a table of the right schema whose TTL is not enabled yet', async () => {
    const d = await dynamoDb();
    await d.client.send(new CreateTableCommand(stateTableDefinition('fluxguard-state')));
    const io = captureIO({});

    expect(await stateInit(io)).toBe(0);

    expect(io.out).toEqual(['table fluxguard-state already exists, schema matches', 'TTL on expiresAt']);
    expect(d.ttl.get('fluxguard-state')).toBe('expiresAt');
  });

  it('fails (1) naming each difference when the existing table has another key schema', async () => {
    const d = await dynamoDb();
    await d.client.send(
      new CreateTableCommand({
        TableName: 'fluxguard-state',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'N' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    const io = captureIO({});

    const code = await stateInit(io);

    expect(code).toBe(1);
    expect(io.out).toEqual([]);
    expect(io.err).toEqual([
      'error: table fluxguard-state already exists with another schema than the stack deploys:',
      '  key schema: id (HASH); the stack deploys pk (HASH), sk (RANGE)',
      '  attribute definitions: id N; the stack deploys pk S, sk S',
    ]);
    expect(d.ttlUpdates).toEqual([]);
  });

  it('fails (1) when the existing table keeps TTL on another attribute', async () => {
    const d = await dynamoDb();
    await d.client.send(new CreateTableCommand(stateTableDefinition('fluxguard-state')));
    d.ttl.set('fluxguard-state', 'ttl');
    const io = captureIO({});

    const code = await stateInit(io);

    expect(code).toBe(1);
    expect(io.err).toEqual([
      'error: table fluxguard-state already exists with another schema than the stack deploys:',
      '  TTL attribute: ttl; the stack deploys expiresAt',
    ]);
    const { Table } = await d.client.send(new DescribeTableCommand({ TableName: 'fluxguard-state' }));
    expect(Table?.KeySchema).toHaveLength(2);
  });

  it('answers 69 with one line when DynamoDB cannot be reached', async () => {
    process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:1';
    process.env.AWS_REGION = 'us-east-1';
    process.env.AWS_ACCESS_KEY_ID = 'local';
    process.env.AWS_SECRET_ACCESS_KEY = 'local';
    const io = captureIO({});

    expect(await stateInit(io)).toBe(69);

    expect(io.err).toEqual([expect.stringMatching(/^error: unavailable: .*ECONNREFUSED 127\.0\.0\.1:1$/)]);
  });
});
