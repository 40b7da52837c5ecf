/**
 * One validation pass over a Kustomization whose inventory holds 50 Deployments (5 namespaces, each
 * with its Service and a `/health` annotation), against the fake Kubernetes API with 50 ms added to
 * every request. Targets (issue 6): at most 4 sequential round-trips and under 300 ms per pass; the
 * request count is reported too.
 *
 * Usage: `npm run bench -- validation`
 */
import { KubeConfig } from '@kubernetes/client-node';
import { KubeReader } from '../lambdas/cluster/kube-reader.js';
import { validateRollout } from '../lambdas/cluster/validation/validate.js';
import type { SeenRequest } from '../test/cluster/support/fake-kube-api.js';
import { startFakeKubeApiProcess } from '../test/cluster/support/fake-kube-api-process.js';
import { app, gitRepository, kustomization } from '../test/cluster/support/objects.js';

const DELAY_MS = 50;
const WORKLOADS = 50;
const NAMESPACES = 5;
const RUNS = 10;

/** The longest chain of requests where each started only after the previous one ended. */
function sequentialRoundTrips(requests: readonly SeenRequest[]): number {
  const sorted = [...requests].sort((a, b) => a.startedAt - b.startedAt);
  const depth = new Map<SeenRequest, number>();
  for (const r of sorted) {
    let before = 0;
    for (const q of sorted) {
      if (q !== r && q.endedAt <= r.startedAt) before = Math.max(before, depth.get(q) ?? 0);
    }
    depth.set(r, before + 1);
  }
  return Math.max(0, ...depth.values());
}

// The fake API runs in its own process, as a real API server would: its TLS and JSON work does not
// compete with the client's event loop.
const api = await startFakeKubeApiProcess();
const objects = Array.from({ length: WORKLOADS }, (_, i) =>
  app(`svc-${String(i).padStart(2, '0')}`, { namespace: `team-${i % NAMESPACES}`, replicas: 2 }),
).flat();
await api.put([...objects, kustomization(objects), gitRepository()]);
await api.proxyOk(
  objects
    .filter((x) => x.kind === 'Service')
    .map((o) => ({ namespace: o.metadata.namespace ?? '', service: o.metadata.name })),
);
await api.delay(DELAY_MS);

function kubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromClusterAndUser(
    {
      name: 'fake',
      server: api.url,
      caData: Buffer.from(api.caPem).toString('base64'),
      skipTLSVerify: false,
    },
    { name: 'bench', token: api.token },
  );
  return kc;
}

const target = { kind: 'Kustomization', namespace: 'flux-system', name: 'apps' } as const;
type Result = { ms: number; requests: number; roundTrips: number; verdict: string };
async function pass(reader: KubeReader): Promise<Result> {
  await api.reset();
  const started = performance.now();
  const report = await validateRollout({ target, checks: 1 }, { reader });
  const ms = performance.now() - started;
  const requests = await api.requests();
  return {
    ms,
    requests: requests.length,
    roundTrips: sequentialRoundTrips(requests),
    verdict: report.verdict,
  };
}

// Cold: a new reader, so every connection is a new TLS handshake (a Lambda's first invocation).
const coldReader = new KubeReader({ kubeConfig: kubeConfig() });
const cold = await pass(coldReader);
await coldReader.close();
// Warm: one reader reused, as a warm Lambda environment reuses its connection pool.
const reader = new KubeReader({ kubeConfig: kubeConfig() });
await pass(reader);
const warm: Result[] = [];
for (let run = 0; run < RUNS; run += 1) warm.push(await pass(reader));
await reader.close();
api.close();

const sorted = warm.map((r) => r.ms).sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
const slowest = sorted[sorted.length - 1] ?? Number.NaN;
const all = [cold, ...warm];
const roundTrips = Math.max(...all.map((r) => r.roundTrips));
console.log(
  `validation pass, ${WORKLOADS} workloads in ${NAMESPACES} namespaces, +${DELAY_MS} ms per request`,
);
console.log(`  verdicts:               ${[...new Set(all.map((r) => r.verdict))].join(', ')}`);
console.log(
  `  requests per pass:      ${cold.requests} (1 Kustomization + 1 GitRepository + ${NAMESPACES}x6 lists + ${WORKLOADS} health probes)`,
);
console.log(`  sequential round-trips: ${roundTrips} (target <= 4)`);
console.log(`  cold pass (new TLS):    ${cold.ms.toFixed(0)} ms`);
console.log(
  `  warm passes (${RUNS}):      median ${median.toFixed(0)} ms, slowest ${slowest.toFixed(0)} ms (target < 300 ms)`,
);
const ok = roundTrips <= 4 && slowest < 300 && all.every((r) => r.verdict === 'pass');
console.log(ok ? '  OK: within targets' : '  MISSED a target');
process.exitCode = ok ? 0 : 1;
