import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
// dynalite ships no types: it exports one function returning an http.Server.
// @ts-expect-error untyped CommonJS module
import dynalite from 'dynalite';

/** An error the front answers for `UpdateTimeToLive`, as DynamoDB sends one. */
export interface TtlFault {
  type: string;
  message: string;
}

/**
 * DynamoDB as `fluxguard state init` meets it: dynalite (which implements no TTL settings) behind a
 * front that implements `UpdateTimeToLive` and `DescribeTimeToLive` as DynamoDB does: refused with
 * `ResourceInUseException` while the table is still CREATING, `ValidationException` when TTL is
 * already enabled. Everything else goes to dynalite.
 */
export interface DynamoDbWithTtl {
  /** The endpoint for `AWS_ENDPOINT_URL`. */
  url: string;
  /** A client for it (fixed test credentials and region). */
  client: DynamoDBClient;
  /** TTL attribute per table, once enabled. */
  ttl: Map<string, string>;
  /** Every `UpdateTimeToLive` received, as `<table> <status of the table then>`. */
  ttlUpdates: string[];
  /** When set, every `UpdateTimeToLive` is answered with this error. */
  ttlFault?: TtlFault;
  close(): Promise<void>;
}

/** Starts dynalite (its tables CREATING for `createTableMs`) behind the TTL front, on 127.0.0.1. */
export async function startDynamoDbWithTtl({ createTableMs = 0 } = {}): Promise<DynamoDbWithTtl> {
  const backend = dynalite({ createTableMs, deleteTableMs: 0, updateTableMs: 0 }) as Server;
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  const backendPort = (backend.address() as AddressInfo).port;
  const backendClient = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${backendPort}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const ttl = new Map<string, string>();
  const ttlUpdates: string[] = [];
  const answer = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'front' });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, type: string, message: string) =>
    answer(res, 400, { __type: `com.amazonaws.dynamodb.v20120810#${type}`, message });
  const tableStatus = async (name: string): Promise<string | undefined> => {
    try {
      const { Table } = await backendClient.send(new DescribeTableCommand({ TableName: name }));
      return Table?.TableStatus;
    } catch {
      return undefined;
    }
  };

  const front: DynamoDbWithTtl = {
    url: '',
    client: undefined as unknown as DynamoDBClient,
    ttl,
    ttlUpdates,
    async close() {
      front.client.destroy();
      backendClient.destroy();
      await Promise.all(
        [server, backend].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))),
      );
    },
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.slice(target.indexOf('.') + 1);
    if (operation === 'UpdateTimeToLive' || operation === 'DescribeTimeToLive') {
      const body = JSON.parse(raw.toString('utf8')) as {
        TableName: string;
        TimeToLiveSpecification?: { AttributeName: string; Enabled: boolean };
      };
      const status = await tableStatus(body.TableName);
      if (!status) return error(res, 'ResourceNotFoundException', 'Requested resource not found');
      if (operation === 'DescribeTimeToLive') {
        const attribute = ttl.get(body.TableName);
        return answer(res, 200, {
          TimeToLiveDescription: attribute
            ? { TimeToLiveStatus: 'ENABLED', AttributeName: attribute }
            : { TimeToLiveStatus: 'DISABLED' },
        });
      }
      ttlUpdates.push(`${body.TableName} ${status}`);
      if (front.ttlFault) return error(res, front.ttlFault.type, front.ttlFault.message);
      if (status !== 'ACTIVE') {
        return error(
          res,
          'ResourceInUseException',
          `Attempt to change a resource which is still in use: Table is being ${status === 'CREATING' ? 'created' : 'updated'}: ${body.TableName}`,
        );
      }
      if (ttl.has(body.TableName)) return error(res, 'ValidationException', 'TimeToLive is already enabled');
      ttl.set(body.TableName, body.TimeToLiveSpecification?.AttributeName ?? '');
      return answer(res, 200, { TimeToLiveSpecification: body.TimeToLiveSpecification });
    }
    const forwarded = request(
      { host: '127.0.0.1', port: backendPort, method: req.method, path: req.url, headers: req.headers },
      (answerFromBackend) => {
        res.writeHead(answerFromBackend.statusCode ?? 500, answerFromBackend.headers);
        answerFromBackend.pipe(res);
      },
    );
    forwarded.on('error', () => res.destroy());
    forwarded.end(raw);
  };
  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  front.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  front.client = new DynamoDBClient({
    endpoint: front.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return front;
}
