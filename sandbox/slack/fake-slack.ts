/**
 * A local Slack: the Web API methods `chat.postMessage` and `chat.update`, with Slack's response
 * bodies and errors, and incoming webhooks answering in plain text, on 127.0.0.1.
 *
 * Sources: https://docs.slack.dev/reference/methods/chat.postMessage,
 * https://docs.slack.dev/reference/methods/chat.update, https://api.slack.com/messaging/webhooks,
 * https://docs.slack.dev/apis/web-api/rate-limits. Errors are HTTP 200 with
 * `{"ok":false,"error":"<code>"}`, except rate limiting: HTTP 429 with `Retry-After` (seconds).
 *
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A message the fake holds, with every version `chat.update` gave it. */
export interface FakeSlackMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  text: string;
  blocks: unknown[];
  /** Posted by the app the token belongs to (only those can be updated). */
  byApp: boolean;
  /** Earlier versions, oldest first. */
  edits: Array<{ text: string; blocks: unknown[] }>;
}

/** One request the fake answered; the token is never recorded. */
export interface FakeSlackCall {
  method: string;
  status: number;
  /** The `error` code, or `ok`. */
  answer: string;
  params: Record<string, unknown>;
}

/** A message an incoming webhook accepted. */
export interface FakeWebhookPost {
  path: string;
  body: { text?: string; blocks?: unknown[]; thread_ts?: string };
}

/** A channel the fake knows; the app is a member unless `member` is false. */
export interface FakeSlackChannel {
  member?: boolean;
  archived?: boolean;
}

/** Options of {@link FakeSlack}. */
export interface FakeSlackOptions {
  /** The one bot token the Web API accepts (`xoxb-…`). */
  token?: string;
  /** Channel ids the workspace has. */
  channels?: Record<string, FakeSlackChannel>;
  /** The app has `chat:write.public`: it may post to public channels it is not in. */
  chatWritePublic?: boolean;
  /** Incoming webhook paths (`/services/T…/B…/…`) that exist. */
  webhookPaths?: string[];
}

/** An answer to force on the next calls of a method (or `webhook`). */
export interface FakeSlackFault {
  /** An error code, e.g. `ratelimited`, `msg_too_long`, `invalid_auth`, `cant_update_message`. */
  error: string;
  /** How many calls it answers (default 1). */
  times?: number;
  /** For `ratelimited`: the `Retry-After` header in seconds (default 1). */
  retryAfter?: number;
}

// Slack counts these itself; the fake refuses what Slack refuses.
const MAX_TEXT = 40_000;
const MAX_BLOCKS = 50;
const MAX_HEADER = 150;
const MAX_SECTION = 3000;
const MAX_FIELDS = 10;
const MAX_FIELD = 2000;
const MAX_BLOCK_CHARS = 13_200;

const WEBHOOK_STATUS: Record<string, number> = {
  invalid_payload: 400,
  no_text: 400,
  user_not_found: 400,
  action_prohibited: 403,
  channel_not_found: 404,
  no_team: 404,
  channel_is_archived: 410,
  ratelimited: 429,
  rollup_error: 500,
};

/**
 * The fake Slack. `start()` listens on 127.0.0.1; point `@slack/web-api` at `apiUrl` (its
 * `slackApiUrl`) and post webhooks to `webhookUrl(path)`.
 *
 * @example
 * ```ts
 * const slack = new FakeSlack({ token, channels: { C0ALERTS: {} } });
 * await slack.start();
 * const web = new WebClient(token, { slackApiUrl: slack.apiUrl });
 * await web.chat.postMessage({ channel: 'C0ALERTS', text: 'hi' });
 * slack.messages('C0ALERTS'); // [{ ts: '…', text: 'hi', … }]
 * await slack.stop();
 * ```
 */
export class FakeSlack {
  readonly token: string;
  readonly calls: FakeSlackCall[] = [];
  readonly webhookPosts: FakeWebhookPost[] = [];
  readonly #channels: Map<string, FakeSlackChannel>;
  readonly #chatWritePublic: boolean;
  readonly #webhookPaths: Set<string>;
  readonly #messages: FakeSlackMessage[] = [];
  readonly #faults = new Map<string, Required<FakeSlackFault>[]>();
  #server: Server | undefined;
  #port = 0;
  #clock = 1_764_756_000;
  #seq = 0;

  constructor(options: FakeSlackOptions = {}) {
    this.token = options.token ?? `${['xox', 'b'].join('')}-sandbox`;
    this.#channels = new Map(Object.entries(options.channels ?? { C0ALERTS: {} }));
    this.#chatWritePublic = options.chatWritePublic ?? false;
    this.#webhookPaths = new Set(options.webhookPaths ?? ['/services/T0FAKE/B0FAKE/fakewebhooksecret']);
  }

  /** The Web API base URL, ending in `/api/`. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.#port}/api/`;
  }

  /** The URL of an incoming webhook path. */
  webhookUrl(path = [...this.#webhookPaths][0] ?? '/services/none'): string {
    return `http://127.0.0.1:${this.#port}${path}`;
  }

  /** Listens on a free port of 127.0.0.1. */
  async start(): Promise<void> {
    const server = createServer((request, response) => {
      this.#handle(request, response).catch((error: unknown) => {
        response.writeHead(500).end(String(error));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.#server = server;
    this.#port = (server.address() as AddressInfo).port;
  }

  /** Closes the server and every open connection. */
  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Answers the next `times` calls of `method` (`chat.postMessage`, `chat.update` or `webhook`) with an error. */
  fail(method: string, fault: FakeSlackFault): void {
    const list = this.#faults.get(method) ?? [];
    list.push({ times: 1, retryAfter: 1, ...fault });
    this.#faults.set(method, list);
  }

  /** Messages in a channel (or all), in the order they were posted. */
  messages(channel?: string): FakeSlackMessage[] {
    return this.#messages.filter((m) => channel === undefined || m.channel === channel);
  }

  /** Top-level messages of a channel (not thread replies). */
  roots(channel: string): FakeSlackMessage[] {
    return this.messages(channel).filter((m) => m.threadTs === undefined);
  }

  /** Replies in the thread of `ts`. */
  replies(channel: string, ts: string): FakeSlackMessage[] {
    return this.messages(channel).filter((m) => m.threadTs === ts);
  }

  /** Adds a message someone else posted, which the app cannot update. */
  postForeign(channel: string, text: string): string {
    const ts = this.#nextTs();
    this.#messages.push({ channel, ts, text, blocks: [], byApp: false, edits: [] });
    return ts;
  }

  #nextTs(): string {
    this.#seq += 1;
    return `${this.#clock}.${String(this.#seq).padStart(6, '0')}`;
  }

  #takeFault(method: string): Required<FakeSlackFault> | undefined {
    const list = this.#faults.get(method);
    const fault = list?.[0];
    if (!fault) return undefined;
    fault.times -= 1;
    if (fault.times <= 0) list?.shift();
    return fault;
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const body = await readBody(request);
    if (url.pathname.startsWith('/api/')) return this.#api(url.pathname.slice(5), request, body, response);
    if (url.pathname.startsWith('/services/')) return this.#webhook(url.pathname, request, body, response);
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not_found');
  }

  #api(method: string, request: IncomingMessage, raw: string, response: ServerResponse) {
    const params = parseParams(String(request.headers['content-type'] ?? ''), raw);
    const answer = (status: number, json: Record<string, unknown>, headers: Record<string, string> = {}) => {
      const { token: _token, ...recorded } = params;
      this.calls.push({ method, status, answer: json.ok ? 'ok' : String(json.error), params: recorded });
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      response.end(JSON.stringify(json));
    };
    if (method !== 'chat.postMessage' && method !== 'chat.update')
      return answer(200, { ok: false, error: 'unknown_method' });
    const auth = String(request.headers.authorization ?? '');
    const token = auth.startsWith('Bearer ')
      ? auth.slice(7)
      : typeof params.token === 'string'
        ? params.token
        : '';
    if (!token) return answer(200, { ok: false, error: 'not_authed' });
    const fault = this.#takeFault(method);
    if (fault?.error === 'ratelimited')
      return answer(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(fault.retryAfter) });
    if (fault) return answer(200, { ok: false, error: fault.error });
    if (token !== this.token) return answer(200, { ok: false, error: 'invalid_auth' });
    const channelId = String(params.channel ?? '');
    const channel = this.#channels.get(channelId);
    if (!channel) return answer(200, { ok: false, error: 'channel_not_found' });
    if (channel.archived) return answer(200, { ok: false, error: 'is_archived' });
    if (channel.member === false && !this.#chatWritePublic)
      return answer(200, { ok: false, error: 'not_in_channel' });
    const text = typeof params.text === 'string' ? params.text : '';
    let blocks: unknown[] = [];
    if (params.blocks !== undefined) {
      const parsed = typeof params.blocks === 'string' ? safeJson(params.blocks) : params.blocks;
      if (!Array.isArray(parsed)) return answer(200, { ok: false, error: 'invalid_blocks_format' });
      blocks = parsed;
    }
    if (!text && blocks.length === 0) return answer(200, { ok: false, error: 'no_text' });
    if (text.length > MAX_TEXT) return answer(200, { ok: false, error: 'msg_too_long' });
    const blockError = checkBlocks(blocks);
    if (blockError) return answer(200, { ok: false, error: blockError });

    if (method === 'chat.postMessage') {
      const ts = this.#nextTs();
      const threadTs =
        typeof params.thread_ts === 'string' && params.thread_ts ? params.thread_ts : undefined;
      this.#messages.push({ channel: channelId, ts, threadTs, text, blocks, byApp: true, edits: [] });
      return answer(200, {
        ok: true,
        channel: channelId,
        ts,
        message: {
          type: 'message',
          subtype: 'bot_message',
          text,
          ts,
          bot_id: 'B0FAKEBOT',
          ...(threadTs ? { thread_ts: threadTs } : {}),
          ...(blocks.length ? { blocks } : {}),
        },
      });
    }
    const ts = String(params.ts ?? '');
    const message = this.#messages.find((m) => m.channel === channelId && m.ts === ts);
    if (!message) return answer(200, { ok: false, error: 'message_not_found' });
    if (!message.byApp) return answer(200, { ok: false, error: 'cant_update_message' });
    message.edits.push({ text: message.text, blocks: message.blocks });
    message.text = text;
    message.blocks = blocks;
    return answer(200, {
      ok: true,
      channel: channelId,
      ts,
      text,
      message: { text, ...(blocks.length ? { blocks } : {}) },
    });
  }

  #webhook(path: string, request: IncomingMessage, raw: string, response: ServerResponse) {
    const reply = (error: string, headers: Record<string, string> = {}) => {
      response
        .writeHead(WEBHOOK_STATUS[error] ?? 200, { 'content-type': 'text/html', ...headers })
        .end(error);
    };
    if (request.method !== 'POST') return reply('invalid_payload');
    const fault = this.#takeFault('webhook');
    if (fault?.error === 'ratelimited')
      return reply('ratelimited', { 'retry-after': String(fault.retryAfter) });
    if (fault) return reply(fault.error);
    if (!this.#webhookPaths.has(path)) return reply('no_team');
    const body = safeJson(raw);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return reply('invalid_payload');
    const { text, blocks } = body as { text?: unknown; blocks?: unknown };
    if (blocks !== undefined && (!Array.isArray(blocks) || checkBlocks(blocks)))
      return reply('invalid_payload');
    if ((typeof text !== 'string' || !text) && !Array.isArray(blocks)) return reply('no_text');
    if (typeof text === 'string' && text.length > MAX_TEXT) return reply('invalid_payload');
    this.webhookPosts.push({ path, body: body as FakeWebhookPost['body'] });
    reply('ok');
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

// The Web API takes form fields (what @slack/web-api sends) or a JSON body.
function parseParams(contentType: string, raw: string): Record<string, unknown> {
  if (contentType.includes('application/json')) {
    const parsed = safeJson(raw);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  }
  return Object.fromEntries(new URLSearchParams(raw));
}

function textOf(value: unknown): string {
  return typeof value === 'object' && value !== null && typeof (value as { text?: unknown }).text === 'string'
    ? (value as { text: string }).text
    : '';
}

// Block Kit checks as Slack applies them: `invalid_blocks` for a block over its own limit,
// `msg_blocks_too_long` for the aggregate.
function checkBlocks(blocks: unknown[]): string | undefined {
  if (blocks.length > MAX_BLOCKS) return 'invalid_blocks';
  let total = 0;
  for (const block of blocks) {
    if (typeof block !== 'object' || block === null) return 'invalid_blocks';
    const b = block as { type?: unknown; text?: unknown; fields?: unknown; elements?: unknown };
    const text = textOf(b.text);
    if (b.type === 'header') {
      if (!text || text.length > MAX_HEADER) return 'invalid_blocks';
      total += text.length;
    } else if (b.type === 'section') {
      const fields = Array.isArray(b.fields) ? b.fields : [];
      if (!text && fields.length === 0) return 'invalid_blocks';
      if (text.length > MAX_SECTION || fields.length > MAX_FIELDS) return 'invalid_blocks';
      for (const field of fields) {
        const value = textOf(field);
        if (!value || value.length > MAX_FIELD) return 'invalid_blocks';
        total += value.length;
      }
      total += text.length;
    } else if (b.type === 'context') {
      const elements = Array.isArray(b.elements) ? b.elements : [];
      if (elements.length === 0 || elements.length > 10) return 'invalid_blocks';
      for (const element of elements) total += textOf(element).length;
    } else if (b.type !== 'divider') {
      return 'invalid_blocks';
    }
  }
  return total > MAX_BLOCK_CHARS ? 'msg_blocks_too_long' : undefined;
}
