import { isUtf8 } from 'node:buffer';
import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { FluxEventSchema, goJsonStringify } from '../../../lambdas/flux/index.js';
import type { QueueMessage } from '../../../lambdas/incidents/index.js';
import { createWebhookHandler } from '../../../lambdas/webhook/create-webhook-handler.js';
import { StaticKeys } from '../../../lambdas/webhook/keys.js';
import { signBody } from '../../../lambdas/webhook/signature.js';
import { FakeFifoQueue } from '../../../sandbox/index.js';
import {
  FLUX_FIXTURES,
  fluxHeaders,
  functionUrlEvent,
  lambdaContext,
  prng,
  SHAPES,
  TEST_KEY,
  wireBody,
} from '../../support/webhook-requests.js';

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed_f1a5);
const RUNS = 1_000;
type Result = { statusCode: number; body: string };

/** Whether `body` is valid UTF-8 JSON that the Flux event schema accepts: the oracle for "schema valid". */
function schemaValid(body: Buffer): boolean {
  try {
    const json: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
    return FluxEventSchema.safeParse(json).success;
  } catch {
    return false;
  }
}

const RANDOM_VALUES: unknown[] = [
  null,
  0,
  -1,
  1.5,
  '',
  'x',
  true,
  [],
  {},
  ['a'],
  { kind: 1 },
  'error',
  'trace',
];
const PATHS = [
  ['involvedObject'],
  ['involvedObject', 'kind'],
  ['involvedObject', 'name'],
  ['involvedObject', 'namespace'],
  ['severity'],
  ['reason'],
  ['message'],
  ['timestamp'],
  ['metadata'],
  ['metadata', 'revision'],
  ['reportingController'],
  ['extra'],
];

/** One random mutation or truncation of a signed body. */
function mutate(body: Buffer, rand: () => number): Buffer {
  const at = Math.floor(rand() * body.length);
  switch (Math.floor(rand() * 7)) {
    case 0: {
      const copy = Buffer.from(body);
      copy[at] = (copy[at] ?? 0) ^ (1 << Math.floor(rand() * 8));
      return copy;
    }
    case 1:
      return body.subarray(0, at);
    case 2:
      return Buffer.concat([
        body.subarray(0, at),
        body.subarray(Math.min(body.length, at + 1 + Math.floor(rand() * 16))),
      ]);
    case 3:
      return Buffer.concat([
        body.subarray(0, at),
        Buffer.from([Math.floor(rand() * 256)]),
        body.subarray(at),
      ]);
    case 4:
      return Buffer.concat([body, body.subarray(at)]);
    case 5: {
      // A structural change that keeps the JSON valid: the case that tests the schema, not the parser.
      const event = JSON.parse(body.toString()) as Record<string, unknown>;
      const path = PATHS[Math.floor(rand() * PATHS.length)] ?? ['reason'];
      const value = RANDOM_VALUES[Math.floor(rand() * RANDOM_VALUES.length)];
      let target: Record<string, unknown> = event;
      for (const key of path.slice(0, -1)) {
        if (typeof target[key] !== 'object' || target[key] === null) target[key] = {};
        target = target[key] as Record<string, unknown>;
      }
      const last = path[path.length - 1] ?? 'reason';
      if (rand() < 0.3) delete target[last];
      else target[last] = value;
      return Buffer.from(goJsonStringify(event));
    }
    default:
      return Buffer.from(body);
  }
}

describe(`the webhook under ${RUNS} random mutations (seed ${SEED})`, () => {
  it('never answers 5xx and queues only events whose signature and schema are both valid', async () => {
    // Prepare
    const rand = prng(SEED);
    const sent: QueueMessage[] = [];
    const handler = createWebhookHandler({
      deps: {
        keys: new StaticKeys([TEST_KEY]),
        queue: {
          send: async (message) => {
            sent.push(message);
            return {};
          },
        },
        maxBodyBytes: 131_072,
        clusterName: 'fuzz',
      },
      logger: new Logger({ serviceName: 'fuzz', logLevel: 'SILENT' }),
    });
    const failures: string[] = [];
    const statuses = new Map<number, number>();

    // Act
    for (let run = 0; run < RUNS; run += 1) {
      const fixture = FLUX_FIXTURES[Math.floor(rand() * FLUX_FIXTURES.length)] ?? FLUX_FIXTURES[0];
      const original = wireBody(fixture);
      const body = mutate(original, rand);
      const signing = rand();
      const headers = fluxHeaders(original);
      if (signing < 0.5) headers['X-Signature'] = signBody(body, TEST_KEY);
      else if (signing < 0.6)
        headers['X-Signature'] = headers['X-Signature']?.slice(0, Math.floor(rand() * 71)) ?? '';
      const signatureValid = headers['X-Signature'] === signBody(body, TEST_KEY);
      const valid = schemaValid(body);
      const [, build] = SHAPES[Math.floor(rand() * SHAPES.length)] ?? SHAPES[0];
      const before = sent.length;
      // Bytes that are not UTF-8 only survive in a base64 body, as AWS delivers binary bodies.
      const base64 = rand() < 0.3 || !isUtf8(body);
      const result = (await handler(build({ body, headers, base64 }), lambdaContext())) as Result;
      statuses.set(result.statusCode, (statuses.get(result.statusCode) ?? 0) + 1);

      // Assess (collected, so one failure report shows every bad case with its run number)
      const queued = sent.length > before;
      const expected = !signatureValid ? [401] : !valid ? [400] : [200, 202];
      if (
        result.statusCode >= 500 ||
        !expected.includes(result.statusCode) ||
        (queued && !(signatureValid && valid))
      ) {
        failures.push(
          `run ${run} (${fixture}): status ${result.statusCode}, queued ${queued}, signature ${signatureValid}, schema ${valid}`,
        );
      }
    }

    // Assess
    expect(failures).toEqual([]);
    // The mix exercised every branch: rejected signatures, rejected bodies, and queued events.
    expect(statuses.get(401)).toBeGreaterThan(100);
    expect(statuses.get(400)).toBeGreaterThan(50);
    expect(statuses.get(202)).toBeGreaterThan(50);
  });
});

describe('a Flux retry after a queue failure', () => {
  it('is queued exactly once on a FIFO queue, however often Flux resends the same bytes', async () => {
    // Prepare
    const queue = new FakeFifoQueue();
    const handler = createWebhookHandler({
      deps: { keys: new StaticKeys([TEST_KEY]), queue, maxBodyBytes: 131_072 },
      logger: new Logger({ serviceName: 'retry', logLevel: 'SILENT' }),
    });
    const body = wireBody('kustomization-healthcheck-failed.json');
    const event = () => functionUrlEvent({ body, headers: fluxHeaders(body) });
    queue.failNext();

    // Act: Flux's attempts at t≈0, 2, 6 and 14 s (contract §2): the first fails, the rest succeed.
    const statuses: number[] = [];
    for (const at of [0, 2_000, 6_000, 14_000]) {
      queue.now = at;
      statuses.push(((await handler(event(), lambdaContext())) as Result).statusCode);
    }

    // Assess
    expect(statuses).toEqual([503, 202, 202, 202]);
    expect(queue.delivered).toHaveLength(1);
    expect(queue.delivered[0]?.groupId).toBe('prod-eu-west-1/apps/Kustomization/webapp');
  });
});
