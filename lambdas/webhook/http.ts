/**
 * The three HTTP event shapes the webhook is invoked with, reduced to one request, and its answer
 * put back into the matching result shape. Pure.
 *
 * - Lambda Function URL and API Gateway HTTP API events use payload format 2.0: lower-cased header
 *   names, duplicates comma-joined.
 * - API Gateway REST proxy events (the guard stack's private API) keep the sender's header case and
 *   also carry `multiValueHeaders`.
 *
 * @module
 */
import type { APIGatewayProxyResult, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** The result the webhook returns, in the shape of the event it answers. */
export type WebhookResult = APIGatewayProxyStructuredResultV2 | APIGatewayProxyResult;

/** `v2` for Function URL and HTTP API events, `rest` for REST proxy events, `unknown` for anything else. */
export type EventShape = 'v2' | 'rest' | 'unknown';

/** One HTTP request, whatever the event shape. */
export interface WebhookRequest {
  shape: EventShape;
  /** Upper-case method, or `''` when the event has none. */
  method: string;
  /** The request path as the event reports it (`/` when it reports none); may carry a stage prefix. */
  path: string;
  /** Every value of every header, by lower-cased name. */
  headers: ReadonlyMap<string, readonly string[]>;
  /** The exact body bytes (base64-decoded when the event says so). */
  body: Buffer;
  /** The caller's address, for logs. */
  sourceIp?: string;
  /** The API Gateway / Lambda request id, for logs. */
  requestId?: string;
}

/** An answer before it is put into a result shape: every answer is a small JSON object. */
export interface WebhookAnswer {
  statusCode: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

type JsonObject = Record<string, unknown>;

function isRecord(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function addHeader(headers: Map<string, string[]>, name: string, value: unknown): void {
  if (typeof value !== 'string') return;
  const key = name.toLowerCase();
  const values = headers.get(key);
  if (values === undefined) headers.set(key, [value]);
  else if (!values.includes(value)) values.push(value);
}

function bodyBytes(event: JsonObject): Buffer {
  const body = event.body;
  if (typeof body !== 'string' || body === '') return Buffer.alloc(0);
  return event.isBase64Encoded === true ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
}

/** The shape of an invocation event, from the fields that tell them apart. */
export function eventShape(event: unknown): EventShape {
  if (!isRecord(event)) return 'unknown';
  if (event.version === '2.0' && isRecord(event.requestContext) && isRecord(event.requestContext.http))
    return 'v2';
  if (typeof event.httpMethod === 'string') return 'rest';
  return 'unknown';
}

/** Reduces an invocation event to a {@link WebhookRequest}. Never throws. */
export function toWebhookRequest(event: unknown): WebhookRequest {
  const shape = eventShape(event);
  const headers = new Map<string, string[]>();
  if (shape === 'unknown' || !isRecord(event)) {
    return { shape, method: '', path: '/', headers, body: Buffer.alloc(0) };
  }
  const context = isRecord(event.requestContext) ? event.requestContext : {};
  if (isRecord(event.headers)) {
    for (const [name, value] of Object.entries(event.headers)) addHeader(headers, name, value);
  }
  if (shape === 'rest' && isRecord(event.multiValueHeaders)) {
    for (const [name, values] of Object.entries(event.multiValueHeaders)) {
      if (Array.isArray(values)) for (const value of values) addHeader(headers, name, value);
    }
  }
  const http = isRecord(context.http) ? context.http : {};
  const identity = isRecord(context.identity) ? context.identity : {};
  const method = shape === 'v2' ? http.method : event.httpMethod;
  const path = shape === 'v2' ? (event.rawPath ?? http.path) : event.path;
  const sourceIp = shape === 'v2' ? http.sourceIp : identity.sourceIp;
  const request: WebhookRequest = {
    shape,
    method: typeof method === 'string' ? method.toUpperCase() : '',
    path: typeof path === 'string' && path !== '' ? path : '/',
    headers,
    body: bodyBytes(event),
  };
  if (typeof sourceIp === 'string') request.sourceIp = sourceIp;
  if (typeof context.requestId === 'string') request.requestId = context.requestId;
  return request;
}

/** The Alertmanager route's last path segment; every other path is the Flux route. */
export const ALERTMANAGER_PATH_SEGMENT = 'alertmanager';

/**
 * Which route a request takes: `alertmanager` when its path ends in `/alertmanager` (any stage or
 * base-path prefix, a trailing slash allowed), `flux` for everything else (`/`, `/flux`).
 */
export function routeOf(request: Pick<WebhookRequest, 'path'>): 'flux' | 'alertmanager' {
  const segments = request.path.split('/').filter((segment) => segment !== '');
  return segments.at(-1) === ALERTMANAGER_PATH_SEGMENT ? 'alertmanager' : 'flux';
}

/** The headers every answer carries. */
const ANSWER_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' };

/** Puts an answer into the result shape of the event it answers. */
export function toWebhookResult(shape: EventShape, answer: WebhookAnswer): WebhookResult {
  const result = {
    statusCode: answer.statusCode,
    headers: { ...ANSWER_HEADERS, ...answer.headers },
    body: JSON.stringify(answer.body),
  };
  return shape === 'rest' ? { ...result, isBase64Encoded: false } : result;
}
