import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, LambdaFunctionURLEvent } from 'aws-lambda';
import { goJsonStringify } from '../../lambdas/flux/index.js';
import { signBody } from '../../lambdas/webhook/index.js';
import { fixtureJson, fixtureText } from './fixtures.js';

/** The key the contract's SOURCES.md signs the fixtures with. */
export const TEST_KEY = 'test-hmac-key';

/** Every Flux event fixture, by file name. */
export const FLUX_FIXTURES = [
  'gitrepository-new-artifact.json',
  'helmrelease-rollback-succeeded.json',
  'helmrelease-upgrade-failed.json',
  'imageupdateautomation-commit-pushed.json',
  'kustomization-build-failed.json',
  'kustomization-healthcheck-failed.json',
  'kustomization-progressing-changeset.json',
  'kustomization-reconciliation-failed.json',
  'kustomization-reconciliation-succeeded.json',
] as const;

/** The compact wire bytes of a Flux fixture, exactly as notification-controller would send them. */
export function wireBody(fixture: string): Buffer {
  return Buffer.from(goJsonStringify(JSON.parse(fixtureText(`flux-events/${fixture}`))), 'utf8');
}

/** The `X-Signature` values SOURCES.md lists for each fixture's compact body. */
export function documentedSignatures(): Map<string, string> {
  const rows = fixtureText('flux-events/SOURCES.md').matchAll(
    /^\| (\S+\.json) \| \d+ \| (sha256=[0-9a-f]{64}) \|$/gm,
  );
  return new Map([...rows].map((row) => [row[1] ?? '', row[2] ?? '']));
}

/** What a test request carries; the event builders put it into each shape. */
export interface RequestSpec {
  body: Buffer | string;
  headers?: Record<string, string>;
  /** REST only: extra multi-value headers. */
  multiValueHeaders?: Record<string, string[]>;
  method?: string;
  base64?: boolean;
  /** The request path (default: each shape's fixture path). */
  path?: string;
}

/**
 * The headers Flux sends, signed with `key`, with the names as Go writes them on the wire
 * (canonical case): a REST event keeps them so, payload 2.0 events lower-case them.
 */
export function fluxHeaders(body: Buffer, key = TEST_KEY): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    'Gotk-Component': 'kustomize-controller',
    'X-Signature': signBody(body, key),
  };
}

function bodyField(spec: RequestSpec): { body?: string; isBase64Encoded: boolean } {
  const bytes = typeof spec.body === 'string' ? Buffer.from(spec.body) : spec.body;
  if (bytes.length === 0) return { isBase64Encoded: false };
  return spec.base64
    ? { body: bytes.toString('base64'), isBase64Encoded: true }
    : { body: bytes.toString('utf8'), isBase64Encoded: false };
}

function lower(headers: Record<string, string> = {}): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

/** A Lambda Function URL event (payload 2.0, lower-cased header names), from the AWS fixture. */
export function functionUrlEvent(spec: RequestSpec): LambdaFunctionURLEvent {
  const { body: _body, ...template } = fixtureJson<LambdaFunctionURLEvent>(
    'aws-events/lambda-function-url.json',
  );
  return {
    ...template,
    headers: { ...lower(template.headers as Record<string, string>), ...lower(spec.headers) },
    ...(spec.path ? { rawPath: spec.path } : {}),
    requestContext: {
      ...template.requestContext,
      http: {
        ...template.requestContext.http,
        method: spec.method ?? 'POST',
        ...(spec.path ? { path: spec.path } : {}),
      },
    },
    ...bodyField(spec),
  } as LambdaFunctionURLEvent;
}

/** An API Gateway HTTP API event (payload 2.0), from the AWS fixture. */
export function httpApiEvent(spec: RequestSpec): APIGatewayProxyEventV2 {
  const template = fixtureJson<APIGatewayProxyEventV2>('aws-events/api-gateway-http-v2.json');
  const { body: _body, ...rest } = template;
  return {
    ...rest,
    headers: lower(spec.headers),
    ...(spec.path ? { rawPath: spec.path } : {}),
    requestContext: {
      ...template.requestContext,
      http: {
        ...template.requestContext.http,
        method: spec.method ?? 'POST',
        ...(spec.path ? { path: spec.path } : {}),
      },
    },
    ...bodyField(spec),
  } as APIGatewayProxyEventV2;
}

/** An API Gateway REST proxy event: header names as the sender wrote them, plus `multiValueHeaders`. */
export function restEvent(spec: RequestSpec): APIGatewayProxyEvent {
  const headers = spec.headers ?? {};
  const multiValueHeaders: Record<string, string[]> = Object.fromEntries(
    Object.entries(headers).map(([k, v]) => [k, [v]]),
  );
  Object.assign(multiValueHeaders, spec.multiValueHeaders);
  const field = bodyField(spec);
  return {
    resource: spec.path ? '/{proxy+}' : '/',
    path: spec.path ?? '/',
    httpMethod: spec.method ?? 'POST',
    headers,
    multiValueHeaders,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    requestContext: {
      accountId: '111122223333',
      apiId: 'a1b2c3d4e5',
      httpMethod: spec.method ?? 'POST',
      identity: { sourceIp: '10.0.12.34' },
      path: '/prod/',
      protocol: 'HTTP/1.1',
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      requestTimeEpoch: 1786354703000,
      resourceId: 'abc123',
      resourcePath: '/',
      stage: 'prod',
    },
    body: field.body ?? null,
    isBase64Encoded: field.isBase64Encoded,
  } as unknown as APIGatewayProxyEvent;
}

/** The three shapes, for `it.each`. */
export const SHAPES = [
  ['Function URL', functionUrlEvent],
  ['HTTP API', httpApiEvent],
  ['REST', restEvent],
] as const;

/** A seeded PRNG (mulberry32), so a failing fuzz case reproduces from its seed. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A Lambda context, as the runtime passes it. */
export function lambdaContext(): import('aws-lambda').Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'fluxguard-flux-webhook',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:fluxguard-flux-webhook',
    memoryLimitInMB: '256',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
    logGroupName: '/aws/lambda/fluxguard-flux-webhook',
    logStreamName: '2026/08/10/[$LATEST]abcdef',
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Captures what the process writes (Powertools logs and EMF metrics) instead of printing it. */
export function captureOutput(): { text: () => string; restore: () => void } {
  const chunks: string[] = [];
  const capture = (chunk: unknown): boolean => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  const out = process.stdout.write;
  const err = process.stderr.write;
  process.stdout.write = capture as typeof process.stdout.write;
  process.stderr.write = capture as typeof process.stderr.write;
  return {
    text: () => chunks.join(''),
    restore: () => {
      process.stdout.write = out;
      process.stderr.write = err;
    },
  };
}
