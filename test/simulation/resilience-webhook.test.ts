/**
 * The webhook behind a real HTTP server (the server `fluxguard webhook serve` and the simulation
 * use) answers every bad request with a 4xx and a reason, never a 5xx, and queues nothing: 50+
 * crafted requests, then 10,000 seeded mutations of a signed Flux event.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebhookServer, type WebhookServer } from '../../cli/local-webhook-server.js';
import { goJsonStringify } from '../../lambdas/flux/index.js';
import { DEFAULT_MAX_BODY_BYTES, StaticKeys, signBody } from '../../lambdas/webhook/index.js';
import { FakeFifoQueue } from '../../sandbox/index.js';
import { fixtureText } from '../support/fixtures.js';
import { prng, TEST_KEY, wireBody } from '../support/webhook-requests.js';

const queue = new FakeFifoQueue();
let server: WebhookServer;
let agent: Agent;
let url: URL;

interface Crafted {
  name: string;
  method?: string;
  headers?: Record<string, string | string[]>;
  body?: Buffer | string;
  path?: string;
}

const VALID = wireBody('kustomization-healthcheck-failed.json');
const event = () =>
  JSON.parse(fixtureText('flux-events/kustomization-healthcheck-failed.json')) as Record<string, unknown>;
const signed = (body: Buffer | string, key = TEST_KEY): Omit<Crafted, 'name'> => {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
  return {
    body: bytes,
    headers: { 'content-type': 'application/json', 'x-signature': signBody(bytes, key) },
  };
};
const withEvent = (name: string, change: (e: Record<string, unknown>) => unknown): Crafted => ({
  ...signed(goJsonStringify(change(event()))),
  name,
});

/** Requests Flux (or anyone) could send that must be refused. */
const CRAFTED: Crafted[] = [
  { name: 'no signature', body: VALID, headers: { 'content-type': 'application/json' } },
  {
    name: 'empty signature',
    body: VALID,
    headers: { 'content-type': 'application/json', 'x-signature': '' },
  },
  {
    name: 'signature without algorithm',
    body: VALID,
    headers: { 'content-type': 'application/json', 'x-signature': 'abcdef' },
  },
  {
    name: 'unknown algorithm',
    body: VALID,
    headers: { 'content-type': 'application/json', 'x-signature': `md5=${'a'.repeat(32)}` },
  },
  {
    name: 'sha1 algorithm',
    body: VALID,
    headers: { 'content-type': 'application/json', 'x-signature': `sha1=${'a'.repeat(40)}` },
  },
  {
    name: 'short digest',
    body: VALID,
    headers: { 'content-type': 'application/json', 'x-signature': `sha256=${'a'.repeat(63)}` },
  },
  {
    name: 'long digest',
    body: VALID,
    headers: { 'content-type': 'application/json', 'x-signature': `sha256=${'a'.repeat(65)}` },
  },
  {
    name: 'non-hex digest',
    body: VALID,
    headers: { 'content-type': 'application/json', 'x-signature': `sha256=${'z'.repeat(64)}` },
  },
  { name: 'wrong key', ...signed(VALID, 'another-key') },
  { name: 'key with a trailing newline', ...signed(VALID, `${TEST_KEY}\n`) },
  {
    name: 'signature of another body',
    body: VALID,
    headers: { 'content-type': 'application/json', 'x-signature': signBody(Buffer.from('{}'), TEST_KEY) },
  },
  {
    name: 'two signatures',
    body: VALID,
    headers: {
      'content-type': 'application/json',
      'x-signature': [signBody(VALID, TEST_KEY), signBody(VALID, TEST_KEY)],
    },
  },
  {
    name: 'body with a trailing space',
    body: Buffer.concat([VALID, Buffer.from(' ')]),
    headers: { 'content-type': 'application/json', 'x-signature': signBody(VALID, TEST_KEY) },
  },
  { name: 'GET', method: 'GET', ...signed(VALID) },
  { name: 'PUT', method: 'PUT', ...signed(VALID) },
  { name: 'DELETE', method: 'DELETE', ...signed(VALID) },
  { name: 'PATCH', method: 'PATCH', ...signed(VALID) },
  {
    name: 'text/plain',
    body: VALID,
    headers: { 'content-type': 'text/plain', 'x-signature': signBody(VALID, TEST_KEY) },
  },
  {
    name: 'form encoded',
    body: VALID,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-signature': signBody(VALID, TEST_KEY),
    },
  },
  { name: 'no content type', body: VALID, headers: { 'x-signature': signBody(VALID, TEST_KEY) } },
  {
    name: 'xml',
    body: VALID,
    headers: { 'content-type': 'application/xml', 'x-signature': signBody(VALID, TEST_KEY) },
  },
  { name: 'body over the limit', ...signed(Buffer.alloc(DEFAULT_MAX_BODY_BYTES + 1, 0x20)) },
  { name: 'empty body', ...signed(Buffer.alloc(0)) },
  { name: 'not JSON', ...signed('not json') },
  { name: 'truncated JSON', ...signed(VALID.subarray(0, VALID.length - 1)) },
  { name: 'JSON null', ...signed('null') },
  { name: 'JSON array', ...signed('[]') },
  { name: 'JSON string', ...signed('"event"') },
  { name: 'JSON number', ...signed('42') },
  { name: 'empty object', ...signed('{}') },
  { name: 'invalid UTF-8', ...signed(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])) },
  { name: 'deeply nested', ...signed(`${'['.repeat(5000)}${']'.repeat(5000)}`) },
  withEvent('no involvedObject', ({ involvedObject: _, ...rest }) => rest),
  withEvent('involvedObject a string', (e) => ({ ...e, involvedObject: 'Kustomization/apps' })),
  withEvent('no kind', (e) => ({
    ...e,
    involvedObject: { ...(e.involvedObject as object), kind: undefined },
  })),
  withEvent('no name', (e) => ({
    ...e,
    involvedObject: { ...(e.involvedObject as object), name: undefined },
  })),
  withEvent('numeric name', (e) => ({ ...e, involvedObject: { ...(e.involvedObject as object), name: 42 } })),
  withEvent('no severity', ({ severity: _, ...rest }) => rest),
  withEvent('severity warning', (e) => ({ ...e, severity: 'warning' })),
  withEvent('severity a number', (e) => ({ ...e, severity: 1 })),
  withEvent('no timestamp', ({ timestamp: _, ...rest }) => rest),
  withEvent('timestamp a number', (e) => ({ ...e, timestamp: 1786354703 })),
  withEvent('timestamp not a time', (e) => ({ ...e, timestamp: 'yesterday' })),
  withEvent('no reason', ({ reason: _, ...rest }) => rest),
  withEvent('reason a number', (e) => ({ ...e, reason: 7 })),
  withEvent('no message', ({ message: _, ...rest }) => rest),
  withEvent('message an object', (e) => ({ ...e, message: { text: 'x' } })),
  withEvent('metadata an array', (e) => ({ ...e, metadata: ['revision'] })),
  withEvent('metadata values not strings', (e) => ({ ...e, metadata: { revision: 1 } })),
  withEvent('involvedObject an array', (e) => ({ ...e, involvedObject: [e.involvedObject] })),
  withEvent('severity in capitals', (e) => ({ ...e, severity: 'ERROR' })),
  withEvent('event wrapped in an array', (e) => [e]),
  withEvent('event wrapped in an object', (e) => ({ event: e })),
];

async function send(c: Crafted): Promise<{ status: number; body: string }> {
  const answer = await request(new URL(c.path ?? '/', url), {
    method: (c.method ?? 'POST') as 'POST',
    dispatcher: agent,
    headers: c.headers ?? {},
    ...(c.body !== undefined && c.method !== 'GET' ? { body: c.body } : {}),
  });
  return { status: answer.statusCode, body: await answer.body.text() };
}

function reasonOf(body: string): string {
  try {
    return String((JSON.parse(body) as { reason?: unknown }).reason ?? '');
  } catch {
    return '';
  }
}

beforeAll(async () => {
  server = await startWebhookServer({
    host: '127.0.0.1',
    port: 0,
    deps: { keys: new StaticKeys([TEST_KEY]), queue, maxBodyBytes: DEFAULT_MAX_BODY_BYTES },
    logger: new Logger({ serviceName: 'flux-webhook', logLevel: 'SILENT' }),
    log: () => undefined,
  });
  url = new URL(server.url);
  agent = new Agent({ connections: 8, pipelining: 1 });
});

afterAll(async () => {
  await agent.close();
  await server.close();
});

describe('the webhook over real HTTP', () => {
  it('queues a valid signed event (the control case)', async () => {
    // Act
    const answer = await send({ name: 'valid', ...signed(VALID) });

    // Assert
    expect(answer.status).toBe(202);
    expect(queue.delivered).toHaveLength(1);
    queue.delivered.length = 0;
  });

  it(`answers each of ${CRAFTED.length} crafted bad requests with a 4xx and a reason, and queues nothing`, async () => {
    // Act
    const answers = [];
    for (const crafted of CRAFTED) answers.push({ name: crafted.name, ...(await send(crafted)) });

    // Assert
    expect(CRAFTED.length).toBeGreaterThanOrEqual(50);
    const wrong = answers.filter((a) => a.status < 400 || a.status > 499 || reasonOf(a.body) === '');
    expect(wrong.map((a) => `${a.name}: ${a.status} ${a.body.slice(0, 80)}`)).toEqual([]);
    expect(queue.delivered).toHaveLength(0);
  });

  it('answers 10,000 seeded mutations of a signed event with a 4xx and a reason, never a 5xx, and queues nothing', async () => {
    // Prepare: mutated bodies under the original signature, mutated signatures, and re-signed
    // mutations that are no longer JSON.
    const random = prng(15);
    const pick = (n: number) => Math.floor(random() * n);
    const mutate = (bytes: Buffer): Buffer => {
      const out = Buffer.from(bytes);
      const edits = 1 + pick(4);
      let result = out;
      for (let i = 0; i < edits; i += 1) {
        const at = pick(result.length);
        const op = pick(3);
        if (op === 0) result[at] = pick(256);
        else if (op === 1) result = Buffer.concat([result.subarray(0, at), result.subarray(at + 1)]);
        else result = Buffer.concat([result.subarray(0, at), Buffer.from([pick(256)]), result.subarray(at)]);
      }
      return result;
    };
    const isJson = (b: Buffer) => {
      try {
        JSON.parse(b.toString('utf8'));
        return true;
      } catch {
        return false;
      }
    };
    const cases: Crafted[] = [];
    while (cases.length < 10_000) {
      const kind = cases.length % 3;
      const body = mutate(VALID);
      if (kind === 0) {
        if (body.equals(VALID)) continue;
        cases.push({
          name: 'mutated body',
          body,
          headers: { 'content-type': 'application/json', 'x-signature': signBody(VALID, TEST_KEY) },
        });
      } else if (kind === 1) {
        const signature = mutate(Buffer.from(signBody(VALID, TEST_KEY)))
          .toString('latin1')
          .replace(/[^\u0021-\u007e]/g, '');
        if (signature === signBody(VALID, TEST_KEY)) continue;
        cases.push({
          name: 'mutated signature',
          body: VALID,
          headers: { 'content-type': 'application/json', 'x-signature': signature },
        });
      } else {
        if (isJson(body)) continue;
        cases.push({ name: 'signed, not JSON', ...signed(body) });
      }
    }

    // Act
    const statuses = new Map<number, number>();
    let withoutReason = 0;
    for (let i = 0; i < cases.length; i += 50) {
      const answers = await Promise.all(cases.slice(i, i + 50).map(send));
      for (const a of answers) {
        statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
        if (reasonOf(a.body) === '') withoutReason += 1;
      }
    }

    // Assert
    const outside = [...statuses.keys()].filter((s) => s < 400 || s > 499);
    expect(outside).toEqual([]);
    expect(withoutReason).toBe(0);
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(10_000);
    expect(queue.delivered).toHaveLength(0);
  });
});
