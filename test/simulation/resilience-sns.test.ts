/**
 * SNS throttling the worker's alerts. A small HTTP proxy in front of the captured SNS answers
 * `Publish` with SNS's own throttling error (HTTP 400, `Throttling`, "Rate exceeded") while it is
 * on, so the SDK's retries and error parsing see what SNS sends. After each: never two reverts, and
 * the incident not lost: alerted and recorded, or in the dead-letter queue until a replay alerts it.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SNSClient } from '@aws-sdk/client-sns';
import { afterEach, describe, expect, it } from 'vitest';
import { SnsAlertPublisher } from '../../lambdas/incident-response/index.js';
import { TOPIC_ARN, type World, world } from '../lambdas/incident-response/support/world.js';
import { APPS, deliver, failedRollout, reverts } from './support/resilience.js';

/** SNS's answer to a throttled `Publish` (Query protocol). */
const THROTTLED_XML =
  '<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>throttled-by-the-test</RequestId></ErrorResponse>';

/** The proxy: throttles while `throttling`, else forwards to the captured SNS. */
interface ThrottlingSns {
  url: string;
  throttling: boolean;
  /** Publishes it answered with the throttling error. */
  throttled: number;
  close(): Promise<void>;
}

async function throttlingSns(target: string): Promise<ThrottlingSns> {
  const proxy: ThrottlingSns = { url: '', throttling: true, throttled: 0, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (proxy.throttling) {
        proxy.throttled += 1;
        res.writeHead(400, { 'content-type': 'text/xml' }).end(THROTTLED_XML);
        return;
      }
      const forward = httpRequest(
        `${target}${req.url ?? '/'}`,
        { method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', () => res.writeHead(502).end());
      forward.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return proxy;
}

let w: World | undefined;
let sns: ThrottlingSns | undefined;
let client: SNSClient | undefined;
afterEach(async () => {
  client?.destroy();
  await sns?.close();
  await w?.close();
  w = undefined;
  sns = undefined;
  client = undefined;
});

/** A world whose alerts go through the throttling proxy; `maxAttempts` is the SNS client's. */
async function throttledWorld(maxAttempts: number): Promise<{ x: World; proxy: ThrottlingSns }> {
  const x = await world();
  const proxy = await throttlingSns(x.sns.url);
  client = new SNSClient({
    endpoint: proxy.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts,
  });
  x.deps.alerts = new SnsAlertPublisher(client, TOPIC_ARN);
  return { x, proxy };
}

describe('SNS throttling the alerts', () => {
  it('throttled on every attempt of the SDK for one receive: redelivered, one revert, alerted once recovered', async () => {
    // Prepare: the SDK's default three attempts
    ({ x: w, proxy: sns } = await throttledWorld(3));
    const [, failing] = w.shas as [string, string];
    w.deploy({ state: 'crashloop', attempted: failing });
    const proxy = sns;

    // Act: SNS throttles through the first receive
    const delivery = await deliver(w, failedRollout(w, failing), {
      afterReceive: () => {
        proxy.throttling = false;
      },
    });

    // Assert
    expect(proxy.throttled).toBe(3);
    expect(delivery.thrown).toHaveLength(1);
    expect(delivery.deadLettered).toBe(false);
    expect(await reverts(w, failing)).toBe(1);
    expect(w.alerts().map((a) => a.state)).toEqual(['reverted']);
    const state = await w.store.loadObject(APPS);
    expect(state.incidents.map((i) => [i.state, i.alertState])).toEqual([['reverted', 'reverted']]);
  });

  it('throttled through every receive: dead-lettered after one revert, and a replay from the dead-letter queue alerts and records it', async () => {
    // Prepare: one attempt per publish, so the test does not wait the SDK's throttling backoff
    ({ x: w, proxy: sns } = await throttledWorld(1));
    const [, failing] = w.shas as [string, string];
    w.deploy({ state: 'crashloop', attempted: failing });
    const message = failedRollout(w, failing);

    // Act: every receive meets the throttle; then SNS recovers and the message is replayed
    const delivery = await deliver(w, message);
    const lostBeforeReplay = w.alerts().length;
    sns.throttling = false;
    const replay = await w.run(message, 'm-1');

    // Assert: one revert, the incident in the dead-letter queue, then alerted by the replay
    expect(delivery.deadLettered).toBe(true);
    expect(sns.throttled).toBe(3);
    expect(lostBeforeReplay).toBe(0);
    expect(replay.kind).not.toBe('failed');
    expect(await reverts(w, failing)).toBe(1);
    expect(await w.store.countReverts(APPS, { object: new Date(0), cluster: new Date(0) })).toEqual({
      object: 1,
      cluster: 1,
    });
    expect(w.alerts().map((a) => a.state)).toEqual(['reverted']);
    const state = await w.store.loadObject(APPS);
    expect(state.incidents.map((i) => [i.state, i.alertState])).toEqual([['reverted', 'reverted']]);
  });
});
