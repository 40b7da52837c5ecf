/**
 * Requests to GitHub per revert and time per revert with 50 ms added to every request, measured on
 * the fake GitHub (a real bare repository behind a local HTTP server), through the same factory the
 * Lambda and the CLI use. Targets: at most 6 requests for a single-commit revert with a known good
 * revision, at most 7 for a range (plus 1 per retry), plus one blob read per kustomization file
 * the scope's build reads (this repository's gitops/apps layout: 3), and under 500 ms per revert
 * at 50 ms per request.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { createRevertEngine, parseRepositoryUrl, WritePacer } from '../lambdas/revert/index.js';
import { type CommitSpec, FakeGitHub, GitRepo } from '../sandbox/index.js';
import { INITIAL, SCOPE } from '../test/lambdas/revert/support/harness.js';

const LATENCY_MS = 50;
const RUNS = 10;

interface Case {
  name: string;
  commits: CommitSpec[];
  failingIndex: number;
  target: number;
  race?: boolean;
  /** The Kustomization spec.path (default SCOPE, a folder without a kustomization file). */
  scope?: string;
}

/** This repository's gitops/apps tree, read from disk: the production overlay over the bases. */
async function gitopsApps(): Promise<Record<string, string>> {
  const root = join(import.meta.dirname, '..');
  const files: Record<string, string> = {};
  for (const entry of await readdir(join(root, 'gitops/apps'), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files[relative(root, path)] = await readFile(path, 'utf8');
  }
  return files;
}
const appsTree = await gitopsApps();
const DEPLOYMENT = 'gitops/apps/base/sre-challenge/deployment.yaml';

const cases: Case[] = [
  {
    name: 'single commit, known good',
    commits: [{ message: 'Break', files: { [`${SCOPE}/app.yaml`]: 'image: web:broken\n' } }],
    failingIndex: 0,
    target: 6,
  },
  {
    name: 'range of 3 commits (failing is head)',
    commits: [
      { message: 'One', files: { [`${SCOPE}/app.yaml`]: 'image: web:1.1\n' } },
      { message: 'Two', files: { [`${SCOPE}/config.yaml`]: 'level: debug\n' } },
      { message: 'Three', files: { [`${SCOPE}/new.yaml`]: 'x: 1\n' } },
    ],
    failingIndex: 2,
    target: 7,
  },
  {
    name: 'range with a later commit elsewhere',
    commits: [
      { message: 'One', files: { [`${SCOPE}/app.yaml`]: 'image: web:1.1\n' } },
      { message: 'Two', files: { [`${SCOPE}/config.yaml`]: 'level: debug\n' } },
      { message: 'Later', files: { 'README.md': '# later\n' } },
    ],
    failingIndex: 1,
    target: 7,
  },
  {
    name: 'single commit, one 5xx retried',
    commits: [{ message: 'Break', files: { [`${SCOPE}/app.yaml`]: 'image: web:broken\n' } }],
    failingIndex: 0,
    target: 7,
    race: true,
  },
  {
    name: 'image update in gitops/apps/base, scope gitops/apps/production',
    commits: [
      { message: 'Apps', files: appsTree },
      {
        message: 'chore(images): update sre-challenge-app image',
        files: {
          [DEPLOYMENT]: (appsTree[DEPLOYMENT] as string).replace(/:1\.30\.1-alpine/, ':9.9.9-broken'),
        },
      },
    ],
    failingIndex: 1,
    target: 9,
    scope: 'gitops/apps/production',
  },
];

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
let failed = false;
console.log(`${RUNS} reverts per case, ${LATENCY_MS} ms added to every request`);
console.log("case | requests (target) | wall median / max ms | without the fake's git work: median / max ms");
for (const c of cases) {
  const times: number[] = [];
  const net: number[] = [];
  let requests = 0;
  for (let run = 0; run < RUNS; run += 1) {
    const repo = await GitRepo.create();
    const [good, ...shas] = await repo.commit('main', [INITIAL, ...c.commits]);
    const fake = await new FakeGitHub({ repo, latencyMs: LATENCY_MS }).start();
    if (c.race)
      fake.fail({ method: 'POST', path: /\/git\/commits$/, status: 502, body: { message: 'Bad Gateway' } });
    const engine = await createRevertEngine({
      repository: parseRepositoryUrl(`${fake.url}/${fake.owner}/${fake.name}`),
      apiUrl: fake.url,
      credentials: { kind: 'token', token: 'test-token' },
      tuning: {
        waitUnitMs: 1,
        // One incident, one revert: a fresh pacer, as in a container that has not just made other writes.
        pacer: new WritePacer(),
        log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
      },
    });
    const started = performance.now();
    const result = await engine.revert({
      branch: 'main',
      failing: shas[c.failingIndex] as string,
      good: (c.scope ? shas[0] : good) as string,
      scope: [c.scope ?? SCOPE],
      incident: { id: 'BENCH' },
    });
    const elapsed = performance.now() - started;
    times.push(elapsed);
    // The fake's busy time, not its summed time: the comparison and the good tree are read in parallel.
    net.push(elapsed - fake.busyMs);
    if (result.outcome !== 'reverted') throw new Error(`${c.name}: ${result.outcome} ${result.reason}`);
    requests = Math.max(requests, fake.calls().length);
    await fake.stop();
    await repo.remove();
  }
  times.sort((a, b) => a - b);
  net.sort((a, b) => a - b);
  const ok = requests <= c.target && percentile(net, 1) < 500;
  failed ||= !ok;
  console.log(
    `${c.name} | ${requests} (≤${c.target}) | ${percentile(times, 0.5).toFixed(0)} / ${percentile(times, 1).toFixed(0)} | ${percentile(net, 0.5).toFixed(0)} / ${percentile(net, 1).toFixed(0)}${ok ? '' : '  ✗'}`,
  );
}
process.exit(failed ? 1 : 0);
