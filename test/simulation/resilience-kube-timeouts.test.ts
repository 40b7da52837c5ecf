/**
 * The Kubernetes API answering too late: longer than the worker's request timeout. The worker's
 * cluster clients are built here with a short timeout (the world's use the 5 s default), so the
 * fake API's stalls end in the client's timeout within a second. After each: never two reverts, no
 * revert on an inconclusive validation, and the incident alerted.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { endpointFromKubeConfig, KubeReader } from '../../lambdas/cluster/index.js';
import { KubeClient, KubeClusterGateway } from '../../lambdas/incident-response/index.js';
import { type World, world } from '../lambdas/incident-response/support/world.js';
import { APPS, deliver, failedRollout, reverts } from './support/resilience.js';

/** The worker's Kubernetes request timeout in these tests. */
const TIMEOUT_MS = 400;
/** How late a stalled request is answered: well past {@link TIMEOUT_MS}. */
const STALL_MS = 2_000;

let w: World | undefined;
let release: (() => Promise<void>) | undefined;
afterEach(async () => {
  await release?.();
  await w?.close();
  w = undefined;
  release = undefined;
});

/** A world whose worker reads and patches the cluster with {@link TIMEOUT_MS} per request. */
async function impatientWorld(): Promise<World> {
  const x = await world();
  const endpoint = await endpointFromKubeConfig(x.kube.kubeConfig());
  const objects = new KubeClient(endpoint, { requestTimeoutMs: TIMEOUT_MS });
  const reader = new KubeReader({ endpoint, requestTimeoutMs: TIMEOUT_MS });
  x.deps.cluster = new KubeClusterGateway(objects, reader, { sleep: async () => undefined });
  release = async () => {
    await Promise.all([objects.close(), reader.close()]);
  };
  return x;
}

describe('the Kubernetes API answers after the worker gave up', () => {
  it('pods read during validation time out: inconclusive, alerted, nothing reverted', async () => {
    // Prepare
    w = await impatientWorld();
    const [, failing] = w.shas as [string, string];
    w.deploy({ state: 'crashloop', attempted: failing });
    w.kube.stalls.push(({ method, path }) =>
      method === 'GET' && /\/pods$/.test(path) ? STALL_MS : undefined,
    );

    // Act
    const delivery = await deliver(w, failedRollout(w, failing));

    // Assert
    const stalled = w.kube.requests.filter((r) => r.method === 'GET' && /\/pods$/.test(r.path));
    expect(stalled.length).toBeGreaterThan(0);
    expect(delivery.outcomes.at(-1)?.verdict?.verdict).toBe('inconclusive');
    expect(await reverts(w, failing)).toBe(0);
    expect(delivery.deadLettered).toBe(false);
    expect(w.alerts().map((a) => a.state)).toEqual(['inconclusive']);
  });

  it('one pods read of the confirmation checks times out (a flaky API): not confirmed, inconclusive, nothing reverted', async () => {
    // Prepare
    w = await impatientWorld();
    const [, failing] = w.shas as [string, string];
    w.deploy({ state: 'crashloop', attempted: failing });
    let podReads = 0;
    w.kube.stalls.push(({ method, path }) => {
      if (method !== 'GET' || !/\/pods$/.test(path)) return undefined;
      podReads += 1;
      return podReads === 1 ? STALL_MS : undefined;
    });

    // Act
    const delivery = await deliver(w, failedRollout(w, failing));

    // Assert: a failure is believed only when every check saw it
    expect(podReads).toBeGreaterThan(1);
    expect(delivery.outcomes.at(-1)?.verdict?.verdict).toBe('inconclusive');
    expect(await reverts(w, failing)).toBe(0);
    expect(w.alerts().map((a) => a.state)).toEqual(['inconclusive']);
  });

  it('the Flux object itself cannot be read in time: inconclusive (live object unknown), alerted, nothing reverted', async () => {
    // Prepare
    w = await impatientWorld();
    const [, failing] = w.shas as [string, string];
    w.deploy({ state: 'crashloop', attempted: failing });
    w.kube.stalls.push(({ method, path }) =>
      method === 'GET' && /\/kustomizations\/apps$/.test(path) ? STALL_MS : undefined,
    );

    // Act
    const delivery = await deliver(w, failedRollout(w, failing));

    // Assert
    expect(await reverts(w, failing)).toBe(0);
    expect(delivery.deadLettered).toBe(false);
    expect(delivery.outcomes.at(-1)?.code).toBe('live-object-unknown');
    expect(w.alerts().map((a) => a.state)).toEqual(['inconclusive']);
  });

  it('the reconcile request times out after the revert was pushed: the revert stands, once, and the alert says the reconcile failed', async () => {
    // Prepare
    w = await impatientWorld();
    const [, failing] = w.shas as [string, string];
    w.deploy({ state: 'crashloop', attempted: failing });
    w.kube.stalls.push(({ method }) => (method === 'PATCH' ? STALL_MS : undefined));

    // Act
    const delivery = await deliver(w, failedRollout(w, failing));

    // Assert: the patch was attempted and never applied (the client gave up first)
    expect(w.kube.requests.some((r) => r.method === 'PATCH')).toBe(true);
    expect(w.patches).toEqual([]);
    expect(await reverts(w, failing)).toBe(1);
    expect(delivery.deadLettered).toBe(false);
    const outcome = delivery.outcomes.at(-1);
    expect(outcome?.kind).toBe('acted');
    expect(outcome?.steps.some((s) => s.step === 'reconcile' && /^failed/.test(s.detail))).toBe(true);
    const alerts = w.alerts();
    expect(alerts.map((a) => a.state)).toEqual(['reverted']);
    // The alert says the reconcile request failed, with the commands to reconcile by hand.
    expect(alerts[0]?.actions.find((a) => a.kind === 'reconcile')?.label).toMatch(
      /^Could not ask Flux to reconcile .*flux reconcile kustomization apps -n flux-system$/,
    );
    expect(alerts[0]?.actions.some((a) => a.kind === 'revert-commit')).toBe(true);
    const state = await w.store.loadObject(APPS);
    expect(state.incidents.map((i) => i.state)).toEqual(['reverted']);
  });
});
