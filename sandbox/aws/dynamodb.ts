import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
// dynalite ships no types: it exports one function returning an http.Server.
// @ts-expect-error untyped CommonJS module
import dynalite from 'dynalite';
import { stateTableDefinition } from '../../lambdas/incident-response/index.js';

/** The error a {@link DynamoDbFault} makes the stand-in answer, as DynamoDB sends it. */
export interface DynamoDbFaultAnswer {
  /**
   * The error's `__type`: a full one (`com.amazon.coral.availability#ThrottlingException`), or a
   * bare name (`ProvisionedThroughputExceededException`, `ConditionalCheckFailedException`) that
   * gets DynamoDB's own prefix `com.amazonaws.dynamodb.v20120810#`.
   */
  type: string;
  message?: string;
  /** HTTP status; default 400 (DynamoDB's for throttling and failed conditions), 500 for `InternalServerError`. */
  status?: number;
}

/**
 * A test's rule for one request: `operation` is the `X-Amz-Target` operation (`PutItem`,
 * `UpdateItem`, `BatchWriteItem`...), `body` the parsed JSON request. It returns the error to answer
 * instead of serving the request, or undefined to serve it.
 */
export type DynamoDbFault = (request: {
  operation: string;
  body: Record<string, unknown>;
}) => DynamoDbFaultAnswer | undefined;

/** A running in-process DynamoDB. */
export interface LocalDynamoDb {
  /** `http://127.0.0.1:<port>`: the endpoint for `AWS_ENDPOINT_URL` or a client's `endpoint`. */
  url: string;
  /** A client for it (fixed test credentials and region). */
  client: DynamoDBClient;
  /** Every operation it served (`PutItem`, `Query`, ...), in order. */
  operations: string[];
  /**
   * Consulted in order for every request while not empty (empty by default): the first that answers
   * makes the stand-in reply with that error over HTTP, as DynamoDB would, instead of serving the
   * request. The SDK's own retries see it, so a rule that fires once is usually absorbed by them.
   */
  faults: DynamoDbFault[];
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
  const faults: DynamoDbFault[] = [];
  const handlers = server.listeners('request') as Array<(...args: unknown[]) => void>;
  server.removeAllListeners('request');
  server.on('request', (req: import('node:http').IncomingMessage, res: unknown) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    operations.push(target.slice(target.indexOf('.') + 1));
    const run = () => {
      if (faults.length > 0) return void answerOrServe(req, res as import('node:http').ServerResponse);
      for (const handler of handlers) handler(req, res);
    };
    if (latencyMs > 0) setTimeout(run, latencyMs);
    else run();
  });
  /** Reads the request, answers a fault's error, or hands dynalite a replay of the request. */
  const answerOrServe = async (
    req: import('node:http').IncomingMessage,
    res: import('node:http').ServerResponse,
  ) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const target = String(req.headers['x-amz-target'] ?? '');
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(raw.toString('utf8') || '{}') as Record<string, unknown>;
    } catch {
      // not JSON: no rule can match on it; dynalite answers it
    }
    const operation = target.slice(target.indexOf('.') + 1);
    let answer: DynamoDbFaultAnswer | undefined;
    for (const fault of faults) {
      answer = fault({ operation, body });
      if (answer) break;
    }
    if (answer) {
      const type = answer.type.includes('#')
        ? answer.type
        : `com.amazonaws.dynamodb.v20120810#${answer.type}`;
      const status = answer.status ?? (answer.type.endsWith('InternalServerError') ? 500 : 400);
      res.writeHead(status, {
        'content-type': 'application/x-amz-json-1.0',
        'x-amzn-requestid': 'injected-fault',
      });
      res.end(JSON.stringify({ __type: type, message: answer.message ?? 'injected by the test' }));
      return;
    }
    const replay = Object.assign(new PassThrough(), {
      headers: req.headers,
      method: req.method,
      url: req.url,
    });
    for (const handler of handlers) handler(replay, res);
    replay.end(raw);
  };
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
    faults,
    async createStateTable(name: string) {
      await client.send(new CreateTableCommand(stateTableDefinition(name)));
    },
    async close() {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
