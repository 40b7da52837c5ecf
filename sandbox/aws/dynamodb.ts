import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
// dynalite ships no types: it exports one function returning an http.Server.
// @ts-expect-error untyped CommonJS module
import dynalite from 'dynalite';
import { stateTableDefinition } from '../../lambdas/incident-response/index.js';

/** A running in-process DynamoDB. */
export interface LocalDynamoDb {
  /** `http://127.0.0.1:<port>`: the endpoint for `AWS_ENDPOINT_URL` or a client's `endpoint`. */
  url: string;
  /** A client for it (fixed test credentials and region). */
  client: DynamoDBClient;
  /** Every operation it served (`PutItem`, `Query`, ...), in order. */
  operations: string[];
  /** Creates the fluxguard state table (the deployed schema) under `name`. */
  createStateTable(name: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * DynamoDB in this process: dynalite (LevelDB in memory) on 127.0.0.1, with real conditional-write
 * semantics. It implements the classic item operations (no transactions, no TTL settings).
 *
 * @example
 * ```ts
 * const db = await startLocalDynamoDb();
 * await db.createStateTable('fluxguard-state');
 * // new DynamoDbStateStore({ client: db.client, tableName: 'fluxguard-state' })
 * await db.close();
 * ```
 */
export async function startLocalDynamoDb({
  latencyMs = 0,
}: {
  latencyMs?: number;
} = {}): Promise<LocalDynamoDb> {
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  }) as import('node:http').Server;
  const operations: string[] = [];
  const handlers = server.listeners('request') as Array<(...args: unknown[]) => void>;
  server.removeAllListeners('request');
  server.on('request', (req: import('node:http').IncomingMessage, res: unknown) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    operations.push(target.slice(target.indexOf('.') + 1));
    const run = () => {
      for (const handler of handlers) handler(req, res);
    };
    if (latencyMs > 0) setTimeout(run, latencyMs);
    else run();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return {
    url,
    client,
    operations,
    async createStateTable(name: string) {
      await client.send(new CreateTableCommand(stateTableDefinition(name)));
    },
    async close() {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
