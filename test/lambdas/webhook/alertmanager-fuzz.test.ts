import { isUtf8 } from 'node:buffer';
import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { AlertmanagerPayloadSchema, type QueueMessage } from '../../../lambdas/incidents/index.js';
import { createWebhookHandler } from '../../../lambdas/webhook/create-webhook-handler.js';
import { StaticKeys } from '../../../lambdas/webhook/keys.js';
import { ALERTMANAGER_TOKEN, amAlert, amHeaders, amPayload } from '../../support/alertmanager-payloads.js';
import { lambdaContext, prng, SHAPES, TEST_KEY } from '../../support/webhook-requests.js';

const SEED = Number(process.env.FUZZ_SEED ?? 0xa1e7_3a9e);
const RUNS = 1_000;
type Result = { statusCode: number; body: string };

const RANDOM_VALUES: unknown[] = [
  null,
  0,
  -1,
  1.5,
  '',
  'x',
  '3',
  '4',
  true,
  [],
  {},
  ['a'],
  { a: 1 },
  'firing',
];
const PATHS = [
  ['version'],
  ['groupKey'],
  ['status'],
  ['receiver'],
  ['truncatedAlerts'],
  ['alerts'],
  ['alerts', '0'],
  ['alerts', '0', 'status'],
  ['alerts', '0', 'labels'],
  ['alerts', '0', 'labels', 'fluxguard'],
  ['alerts', '0', 'labels', 'kustomization'],
  ['alerts', '0', 'fingerprint'],
  ['alerts', '0', 'startsAt'],
  ['notification_reason'],
  ['commonLabels'],
];

function seedBody(rand: () => number): Buffer {
  const reasons = [
    undefined,
    'first notification',
    'new alerts added',
    'repeat interval elapsed',
    'all alerts resolved',
  ];
  const reason = reasons[Math.floor(rand() * reasons.length)];
  const alerts = Array.from({ length: 1 + Math.floor(rand() * 3) }, (_, i) =>
    amAlert({
      fingerprint: `f${i}${Math.floor(rand() * 1e6)}`,
      status: rand() < 0.7 ? 'firing' : 'resolved',
    }),
  );
  return Buffer.from(
    JSON.stringify(amPayload({ alerts, ...(reason ? { notification_reason: reason } : {}) })),
  );
}

function mutate(body: Buffer, rand: () => number): Buffer {
  const at = Math.floor(rand() * body.length);
  switch (Math.floor(rand() * 5)) {
    case 0: {
      const copy = Buffer.from(body);
      copy[at] = (copy[at] ?? 0) ^ (1 << Math.floor(rand() * 8));
      return copy;
    }
    case 1:
      return body.subarray(0, at);
    case 2: {
      // A structural change that keeps the JSON valid: the case that tests the schema, not the parser.
      const payload = JSON.parse(body.toString()) as Record<string, unknown>;
      const path = PATHS[Math.floor(rand() * PATHS.length)] ?? ['version'];
      let target: Record<string, unknown> = payload;
      for (const key of path.slice(0, -1)) {
        if (typeof target[key] !== 'object' || target[key] === null) target[key] = {};
        target = target[key] as Record<string, unknown>;
      }
      const last = path[path.length - 1] ?? 'version';
      if (rand() < 0.3) delete target[last];
      else target[last] = RANDOM_VALUES[Math.floor(rand() * RANDOM_VALUES.length)];
      return Buffer.from(JSON.stringify(payload));
    }
    default:
      return Buffer.from(body);
  }
}

function schemaValid(body: Buffer): boolean {
  try {
    return AlertmanagerPayloadSchema.safeParse(
      JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body)),
    ).success;
  } catch {
    return false;
  }
}

describe(`the /alertmanager route under ${RUNS} random mutations (seed ${SEED})`, () => {
  it('never answers 5xx and queues only payloads whose token and schema are both valid', async () => {
    // Prepare
    const rand = prng(SEED);
    const sent: QueueMessage[] = [];
    const handler = createWebhookHandler({
      deps: {
        keys: new StaticKeys([TEST_KEY]),
        alertmanagerTokens: new StaticKeys([ALERTMANAGER_TOKEN]),
        queue: {
          send: async (message) => {
            sent.push(message);
            return {};
          },
        },
        maxBodyBytes: 131_072,
      },
      logger: new Logger({ serviceName: 'fuzz', logLevel: 'SILENT' }),
    });
    const failures: string[] = [];
    const statuses = new Map<number, number>();

    // Act
    for (let run = 0; run < RUNS; run += 1) {
      const body = mutate(seedBody(rand), rand);
      const tokenValid = rand() < 0.8;
      const headers = amHeaders(tokenValid ? ALERTMANAGER_TOKEN : `${ALERTMANAGER_TOKEN}-${run}`);
      const valid = schemaValid(body);
      const [, build] = SHAPES[Math.floor(rand() * SHAPES.length)] ?? SHAPES[0];
      const before = sent.length;
      const base64 = rand() < 0.3 || !isUtf8(body);
      const result = (await handler(
        build({ body, headers, base64, path: '/alertmanager' }),
        lambdaContext(),
      )) as Result;
      statuses.set(result.statusCode, (statuses.get(result.statusCode) ?? 0) + 1);

      // Assess (collected, so one report shows every bad case with its run number)
      const queued = sent.length > before;
      const expected = !tokenValid ? [401] : !valid ? [400] : [200, 202];
      if (
        result.statusCode >= 500 ||
        !expected.includes(result.statusCode) ||
        (queued && !(tokenValid && valid))
      ) {
        failures.push(
          `run ${run}: status ${result.statusCode}, queued ${queued}, token ${tokenValid}, schema ${valid}`,
        );
      }
    }

    // Assess
    expect(failures).toEqual([]);
    expect(statuses.get(401)).toBeGreaterThan(100);
    expect(statuses.get(400)).toBeGreaterThan(50);
    expect(statuses.get(202)).toBeGreaterThan(50);
  });
});
