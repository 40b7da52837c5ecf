/**
 * Runs a {@link FakeKubeApi} in its own process, driven over IPC, so a benchmark measures the
 * client without the fake server's TLS and JSON work competing for the same event loop (as a real
 * API server would not). Start it with {@link startFakeKubeApiProcess}.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { FakeKubeApi, type KubeObject, type SeenRequest } from './fake-kube-api.js';

type Message =
  | { id: number; type: 'put'; objects: KubeObject[] }
  | { id: number; type: 'proxy-ok'; services: Array<{ namespace: string; service: string }> }
  | { id: number; type: 'delay'; ms: number }
  | { id: number; type: 'reset' }
  | { id: number; type: 'requests' };

/** The parent's handle on a fake API in a child process. */
export interface FakeKubeApiProcess {
  url: string;
  caPem: string;
  token: string;
  put(objects: KubeObject[]): Promise<void>;
  /** Makes `/health` (any path) answer 200 for these services, on their `http` port. */
  proxyOk(services: Array<{ namespace: string; service: string }>): Promise<void>;
  delay(ms: number): Promise<void>;
  reset(): Promise<void>;
  requests(): Promise<SeenRequest[]>;
  close(): void;
}

/** Forks this module as a fake API server and waits until it listens. */
export async function startFakeKubeApiProcess(): Promise<FakeKubeApiProcess> {
  const child = fork(fileURLToPath(import.meta.url), [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const pending = new Map<number, (value: unknown) => void>();
  let next = 0;
  const ready = new Promise<{ url: string; caPem: string; token: string }>((resolve) => {
    child.once('message', (m) => resolve(m as { url: string; caPem: string; token: string }));
  });
  const { url, caPem, token } = await ready;
  child.on('message', (m) => {
    const { id, value } = m as { id: number; value: unknown };
    pending.get(id)?.(value);
    pending.delete(id);
  });
  const call = <T>(message: Record<string, unknown>): Promise<T> =>
    new Promise((resolve) => {
      next += 1;
      pending.set(next, resolve as (value: unknown) => void);
      child.send({ ...message, id: next });
    });
  return {
    url,
    caPem,
    token,
    put: (objects) => call({ type: 'put', objects }),
    proxyOk: (services) => call({ type: 'proxy-ok', services }),
    delay: (ms) => call({ type: 'delay', ms }),
    reset: () => call({ type: 'reset' }),
    requests: () => call({ type: 'requests' }),
    close: () => child.kill(),
  };
}

if (process.send && process.argv[1] === fileURLToPath(import.meta.url)) {
  const api = await new FakeKubeApi().start();
  process.on('message', (m: Message) => {
    let value: unknown = null;
    if (m.type === 'put') api.put(...m.objects);
    if (m.type === 'proxy-ok') {
      for (const s of m.services)
        api.proxy(s.namespace, `${s.service}:http`, () => ({ status: 200, body: 'ok' }));
    }
    if (m.type === 'delay') api.delayMs = m.ms;
    if (m.type === 'reset') api.resetRequests();
    if (m.type === 'requests') value = api.requests;
    process.send?.({ id: m.id, value });
  });
  process.on('disconnect', () => void api.close().then(() => process.exit(0)));
  process.send({ url: api.url, caPem: api.caPem, token: api.token });
}
