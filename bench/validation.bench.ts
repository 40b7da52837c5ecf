/**
 * One validation pass over a Kustomization whose inventory holds 50 Deployments (5 namespaces, each
 * with its Service and a `/health` annotation), against the fake Kubernetes API with 50 ms added to
 * every request. Targets: at most 4 sequential round-trips and under 300 ms per pass, so three checks
 * 10 s apart stay a small part of the incident worker's budget; the request count is reported too.
 *
 * The fake API runs in its own process (its TLS and JSON work never shares the client's event loop).
 * Cold passes each run in a fresh Node process (new TLS connection, Node's CA store loaded for the
 * first time, every code path cold), as in a Lambda environment's first invocation after its init;
 * the first of them only warms the fake API (a real API server is never cold) and is shown apart.
 * Warm passes reuse one reader in this process, as a warm Lambda environment reuses its connection.
 * Each pass also reports the client's CPU time (user + system), which machine load does not inflate
 * the way it does wall time.
 *
 * Usage: `npm run bench -- validation`
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type KubeEndpoint, KubeReader, validateRollout } from '../lambdas/cluster/index.js';
import {
  app,
  gitRepository,
  kustomization,
  type SeenRequest,
  startFakeKubeApiProcess,
} from '../sandbox/index.js';
import { currentLoad, machineLine, median } from './support.js';

const DELAY_MS = 50;
const WORKLOADS = 50;
const NAMESPACES = 5;
const COLD_RUNS = 5;
const WARM_RUNS = 10;
/** Set in a child process that runs one cold pass: the fake API's URL, CA and token as JSON. */
const COLD_CHILD = 'FLUXGUARD_BENCH_COLD_PASS';

interface Server {
  url: string;
  caPem: string;
  token: string;
}
interface Pass {
  ms: number;
  cpuMs: number;
  verdict: string;
}

/** The fake API as the Lambda reaches an EKS cluster: its CA, a bearer token, no kubeconfig. */
function endpoint({ url, caPem, token }: Server): KubeEndpoint {
  return {
    name: 'fake',
    server: url,
    tls: { ca: caPem },
    authHeaders: async () => ({ authorization: `Bearer ${token}` }),
  };
}

const target = { kind: 'Kustomization', namespace: 'flux-system', name: 'apps' } as const;

async function timedPass(reader: KubeReader): Promise<Pass> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const report = await validateRollout({ target, checks: 1 }, { reader });
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000, verdict: report.verdict };
}

const childServer = process.env[COLD_CHILD];
if (childServer) {
  // A cold pass in this fresh process: the modules are loaded (a Lambda's init), nothing has run.
  const reader = new KubeReader({ endpoint: endpoint(JSON.parse(childServer) as Server) });
  const pass = await timedPass(reader);
  await reader.close();
  console.log(JSON.stringify(pass));
} else {
  await main();
}

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

async function main(): Promise<void> {
  const loadBefore = currentLoad();
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
  const server: Server = { url: api.url, caPem: api.caPem, token: api.token };

  type Measured = Pass & { requests: number; roundTrips: number };
  async function measure(run: () => Promise<Pass>): Promise<Measured> {
    await api.reset();
    const pass = await run();
    const requests = await api.requests();
    return { ...pass, requests: requests.length, roundTrips: sequentialRoundTrips(requests) };
  }

  const self = fileURLToPath(import.meta.url);
  const coldPass = async (): Promise<Pass> => {
    const child = spawnSync(process.execPath, ['--import', 'tsx', self], {
      env: { ...process.env, [COLD_CHILD]: JSON.stringify(server) },
      stdio: ['ignore', 'pipe', 'inherit'],
      encoding: 'utf8',
    });
    const line = child.stdout.trim().split('\n').pop() ?? '';
    if (child.status !== 0 || !line.startsWith('{')) throw new Error(`cold pass failed: ${child.stdout}`);
    return JSON.parse(line) as Pass;
  };
  // The first cold pass meets a fake API that has served nothing yet (its own JIT is cold too).
  const againstColdApi = await measure(coldPass);
  const cold: Measured[] = [];
  for (let run = 0; run < COLD_RUNS; run += 1) cold.push(await measure(coldPass));

  const reader = new KubeReader({ endpoint: endpoint(server) });
  await measure(() => timedPass(reader)); // this process's own first pass: cold, not counted
  const warm: Measured[] = [];
  for (let run = 0; run < WARM_RUNS; run += 1) warm.push(await measure(() => timedPass(reader)));
  await reader.close();
  api.close();

  const all = [againstColdApi, ...cold, ...warm];
  const roundTrips = Math.max(...all.map((r) => r.roundTrips));
  const list = (rows: readonly Measured[], key: 'ms' | 'cpuMs') =>
    rows.map((r) => r[key].toFixed(0)).join(', ');
  const slowest = (rows: readonly Measured[]) => Math.max(...rows.map((r) => r.ms));
  const machine = machineLine(loadBefore);
  console.log(
    `validation pass, ${WORKLOADS} workloads in ${NAMESPACES} namespaces, +${DELAY_MS} ms per request`,
  );
  console.log(`  machine:                ${machine}`);
  console.log(`  verdicts:               ${[...new Set(all.map((r) => r.verdict))].join(', ')}`);
  console.log(
    `  requests per pass:      ${[...new Set(all.map((r) => r.requests))].join(', ')} (1 Kustomization + 1 GitRepository + ${NAMESPACES}x6 lists + ${WORKLOADS} health probes)`,
  );
  console.log(`  sequential round-trips: ${roundTrips} (target <= 4)`);
  console.log(
    `  cold passes (${COLD_RUNS} fresh processes): median ${median(cold.map((r) => r.ms)).toFixed(0)} ms, slowest ${slowest(cold).toFixed(0)} ms (${list(cold, 'ms')}); client CPU median ${median(cold.map((r) => r.cpuMs)).toFixed(0)} ms (${list(cold, 'cpuMs')})`,
  );
  console.log(
    `  cold pass against a fake API not yet warm: ${againstColdApi.ms.toFixed(0)} ms (client CPU ${againstColdApi.cpuMs.toFixed(0)} ms)`,
  );
  console.log(
    `  warm passes (${WARM_RUNS}):      median ${median(warm.map((r) => r.ms)).toFixed(0)} ms, slowest ${slowest(warm).toFixed(0)} ms; client CPU median ${median(warm.map((r) => r.cpuMs)).toFixed(0)} ms`,
  );
  const ok =
    roundTrips <= 4 &&
    slowest(warm) < 300 &&
    median(cold.map((r) => r.ms)) < 300 &&
    all.every((r) => r.verdict === 'pass');
  console.log(
    ok
      ? '  OK: within targets (cold median and every warm pass < 300 ms)'
      : '  MISSED a target (cold median and every warm pass must be < 300 ms)',
  );
  process.exitCode = ok ? 0 : 1;
}
