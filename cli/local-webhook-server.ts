/**
 * The local HTTP server behind `fluxguard webhook serve`: each request becomes a Function URL
 * event (payload 2.0, body base64 so the exact bytes reach the HMAC check) for the same middy
 * handler the Lambda runs.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context, LambdaFunctionURLEvent } from 'aws-lambda';
import { createWebhookHandler, type WebhookDeps, type WebhookResult } from '../lambdas/webhook/index.js';

/** Options for {@link startWebhookServer}. */
export interface WebhookServerOptions {
  host: string;
  /** 0 for an ephemeral port. */
  port: number;
  deps: WebhookDeps;
  logger: Logger;
  /** One line per request (method, path, status, outcome). */
  log: (line: string) => void;
}

/** A running server. */
export interface WebhookServer {
  /** `http://<host>:<port>/`. */
  url: string;
  /** Stops accepting requests, ends idle connections and resolves when the server is closed. */
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    // Keep one byte past the limit, enough for the handler to answer 413, and drop the rest.
    if (size <= limit) chunks.push(buffer.subarray(0, limit + 1 - size));
    size += buffer.length;
  }
  return Buffer.concat(chunks);
}

/** A request as the Lambda Function URL would deliver it. */
export function toFunctionUrlEvent(request: IncomingMessage, body: Buffer): LambdaFunctionURLEvent {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const now = new Date();
  const event: LambdaFunctionURLEvent = {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    requestContext: {
      accountId: 'anonymous',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method: request.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: true,
  };
  if (body.length > 0) event.body = body.toString('base64');
  return event;
}

function context(requestId: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'fluxguard-webhook-serve',
    functionVersion: 'local',
    invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:fluxguard-webhook-serve',
    memoryLimitInMB: '0',
    awsRequestId: requestId,
    logGroupName: 'local',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 15_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Starts the server and resolves once it listens. */
export async function startWebhookServer({
  host,
  port,
  deps,
  logger,
  log,
}: WebhookServerOptions): Promise<WebhookServer> {
  const handler = createWebhookHandler({ deps, logger });
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    void (async () => {
      const body = await readBody(request, deps.maxBodyBytes);
      const event = toFunctionUrlEvent(request, body);
      const result = (await handler(event, context(event.requestContext.requestId))) as WebhookResult & {
        statusCode: number;
        body: string;
        headers: Record<string, string>;
      };
      response.writeHead(result.statusCode, result.headers).end(result.body);
      log(`${request.method} ${request.url} ${result.statusCode} ${result.body}`);
    })().catch((error: unknown) => {
      log(`${request.method} ${request.url} failed: ${(error as Error).message}`);
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
      response.end('{"result":"error","reason":"internal error"}');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}/`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}
