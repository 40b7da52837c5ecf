/**
 * The Flux-and-kubelet simulator against the real gitops tree: it applies what the production
 * overlay builds, rolls pods as the images behave, writes Flux's status fields, honours a
 * `requestedAt` patch sent over HTTPS, and posts the events notification-controller would, signed.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseSignatureHeader, signatureMatches } from '../../lambdas/webhook/index.js';
import {
  buildKustomization,
  FakeKubeApi,
  FluxSimulator,
  GitRepo,
  ImageAutomation,
  type ImageBehaviour,
  type KubeObject,
  type SimulatorEvent,
  StoryClock,
  satisfies,
  seedRepository,
  simulatedKustomization,
} from '../../sandbox/index.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const TOKEN = 'simulator-hmac-token';
const NS = 'sre-challenge';
const APP = 'sre-challenge-app';
const DEPLOYMENT = { apiVersion: 'apps/v1', kind: 'Deployment' } as const;
const KS = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' } as const;
const VARIABLES = { environment: 'production', cluster_name: 'sim', aws_region: 'eu-central-1' };

interface Received {
  body: Record<string, unknown>;
  signed: boolean;
}

let repo: GitRepo;
let kube: FakeKubeApi;
let receiver: Server;
let address: string;
let received: Received[];
let flux: FluxSimulator | undefined;
let clock: StoryClock;
let events: SimulatorEvent[];

const BEHAVIOUR: Record<string, ImageBehaviour> = {
  '1.30.1-alpine': 'ready',
  '1.30.2-alpine': 'crashloop',
  '1.30.3-alpine': 'imagepull',
  '1.30.4-alpine': 'health-500',
};

function images(image: string): ImageBehaviour {
  return BEHAVIOUR[image.split(':').pop() ?? ''] ?? 'ready';
}

async function startFlux(): Promise<FluxSimulator> {
  const head = await repo.revParse('refs/heads/main');
  const sync = await buildKustomization(repo, head, './gitops/clusters/production', VARIABLES);
  const apps = sync.find((o) => o.metadata.name === 'apps') as KubeObject;
  clock = new StoryClock(100);
  events = [];
  flux = new FluxSimulator({
    kube,
    repo,
    clock,
    provider: { address, token: TOKEN },
    eventMetadata: { cluster: 'sim', env: 'production', region: 'eu-central-1' },
    variables: VARIABLES,
    images,
    // No interval reconciles in these tests: only the branch moving and requests start one.
    kustomizations: [{ ...simulatedKustomization(apps), intervalMs: 3_600_000 }],
    source: { url: 'https://github.com/acme/gitops.git', intervalMs: 3_600_000 },
    onEvent: (e) => events.push(e),
  });
  await flux.start();
  return flux;
}

const automation = () =>
  new ImageAutomation({
    repo,
    policyFile: 'gitops/apps/base/image-automation/imagepolicy.yaml',
    policyRef: 'flux-system:sre-challenge-app',
    updatePath: 'gitops/apps/base',
    author: { name: 'fluxcdbot', email: 'fluxcdbot@users.noreply.github.com' },
    automation: 'flux-system/sre-challenge-app',
  });

/** Patches `requestedAt` on the GitRepository over HTTPS, as `flux reconcile source git` does. */
async function requestReconcile(): Promise<number> {
  const agent = new Agent({ connect: { ca: kube.caPem } });
  const answer = await request(
    `${kube.url}/apis/source.toolkit.fluxcd.io/v1/namespaces/flux-system/gitrepositories/flux-system`,
    {
      method: 'PATCH',
      dispatcher: agent,
      headers: { authorization: `Bearer ${kube.token}`, 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({
        metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': new Date().toISOString() } },
      }),
    },
  );
  await answer.body.text();
  await agent.close();
  return answer.statusCode;
}

async function until<T>(what: string, probe: () => T | undefined, limitMs = 20_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const reasons = () => received.map((r) => String(r.body.reason));
const ksStatus = () => (kube.object(KS, 'flux-system', 'apps')?.status ?? {}) as Record<string, unknown>;

beforeEach(async () => {
  repo = await GitRepo.create();
  await seedRepository(repo, ROOT);
  kube = await new FakeKubeApi().start();
  received = [];
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const parsed = parseSignatureHeader([String(req.headers['x-signature'] ?? '')]);
      received.push({
        body: JSON.parse(body.toString('utf8')) as Record<string, unknown>,
        signed: parsed.ok && signatureMatches(body, parsed.signature, TOKEN),
      });
      res.writeHead(202).end('{"result":"queued"}');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  address = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`;
});

afterEach(async () => {
  await flux?.stop();
  clock?.stop();
  flux = undefined;
  await kube.close();
  await new Promise<void>((r) => receiver.close(() => r()));
  await repo.remove();
});

describe('FluxSimulator on the production overlay', () => {
  it('applies the head revision, rolls the pods out ready and reports ReconciliationSucceeded, signed', async () => {
    // Act
    const sim = await startFlux();

    // Assert
    const head = await repo.revParse('refs/heads/main');
    expect(sim.lastAppliedRevision('flux-system', 'apps')).toBe(`main@sha1:${head}`);
    expect(reasons()).toEqual(['Progressing', 'ReconciliationSucceeded']);
    expect(received.every((r) => r.signed)).toBe(true);
    const progressing = received[0]?.body as { message: string; metadata: Record<string, string> };
    expect(progressing.message).toContain(`Deployment/${NS}/${APP} created`);
    expect(progressing.metadata).toMatchObject({
      cluster: 'sim',
      env: 'production',
      revision: `main@sha1:${head}`,
    });
    const deployment = kube.object(DEPLOYMENT, NS, APP) as KubeObject;
    const status = deployment.status as Record<string, number>;
    expect(status).toMatchObject({ replicas: 2, readyReplicas: 2, updatedReplicas: 2 });
    const env = JSON.stringify(deployment.spec);
    expect(env).toContain('"value":"production"');
    expect(ksStatus()).toMatchObject({ lastAppliedRevision: `main@sha1:${head}` });
    const pods = kube.objects({ apiVersion: 'v1', kind: 'Pod' });
    expect(pods).toHaveLength(2);
    expect(pods.every((p) => p.metadata.labels?.['pod-template-hash'] !== undefined)).toBe(true);
  });

  it('rolls an image automation commit after a requestedAt patch: pods crash-loop, then HealthCheckFailed after the timeout', async () => {
    // Prepare
    const sim = await startFlux();
    const good = sim.revision;
    const pass = await automation().run(['1.30.1-alpine', '1.30.2-alpine']);
    expect(pass).toMatchObject({ pushed: true, tag: '1.30.2-alpine', previous: '1.30.1-alpine' });

    // Act
    expect(await requestReconcile()).toBe(200);

    // Assert
    await until('HealthCheckFailed', () => reasons().includes('HealthCheckFailed'));
    const bad = `main@sha1:${pass.pushed ? pass.sha : ''}`;
    expect(reasons().slice(0, 4)).toEqual([
      'Progressing',
      'ReconciliationSucceeded',
      'Progressing',
      'HealthCheckFailed',
    ]);
    const failed = received[3]?.body as {
      severity: string;
      message: string;
      metadata: Record<string, string>;
    };
    expect(failed.severity).toBe('error');
    expect(failed.message).toMatch(
      /^health check failed after .*Deployment\/sre-challenge\/sre-challenge-app/,
    );
    expect(failed.metadata.revision).toBe(bad);
    expect(ksStatus()).toMatchObject({ lastAttemptedRevision: bad, lastAppliedRevision: good });
    const crashing = kube
      .objects({ apiVersion: 'v1', kind: 'Pod' })
      .flatMap((p) => (p.status as { containerStatuses: Array<Record<string, unknown>> }).containerStatuses)
      .find((c) => String(c.image).endsWith(':1.30.2-alpine'));
    expect(crashing).toMatchObject({ state: { waiting: { reason: 'CrashLoopBackOff' } } });
    expect(Number(crashing?.restartCount)).toBeGreaterThanOrEqual(2);
    // The old pods keep serving: the surge never let them go.
    const deployment = kube.object(DEPLOYMENT, NS, APP)?.status as Record<string, number>;
    expect(deployment.availableReplicas).toBe(2);
  });

  it('cancels the running health check when a revert arrives and applies it (CancelHealthCheckOnNewRevision)', async () => {
    // Prepare
    const sim = await startFlux();
    const goodSha = await repo.revParse('refs/heads/main');
    await automation().run(['1.30.1-alpine', '1.30.3-alpine']);
    await requestReconcile();
    await until('the image pull error', () =>
      kube
        .objects({ apiVersion: 'v1', kind: 'Pod' })
        .some((p) => JSON.stringify(p.status).includes('ImagePullBackOff')),
    );
    expect(reasons()).not.toContain('HealthCheckFailed');

    // Act: restore the good tree, as a revert does
    const tree = (await repo.git(['rev-parse', `${goodSha}^{tree}`])).trim();
    const head = await repo.revParse('refs/heads/main');
    const revert = (await repo.git(['commit-tree', tree, '-p', head, '-m', 'Revert'])).trim();
    await repo.git(['update-ref', 'refs/heads/main', revert]);
    await requestReconcile();

    // Assert
    await until('the revert applied and reported', () => reasons().length >= 6);
    expect(sim.lastAppliedRevision('flux-system', 'apps')).toBe(`main@sha1:${revert}`);
    expect(reasons()).toEqual([
      'Progressing',
      'ReconciliationSucceeded',
      'Progressing',
      'HealthCheckCanceled',
      'Progressing',
      'ReconciliationSucceeded',
    ]);
    const pods = kube.objects({ apiVersion: 'v1', kind: 'Pod' });
    expect(pods.map((p) => JSON.stringify(p.spec)).every((s) => s.includes(':1.30.1-alpine'))).toBe(true);
    expect(events.some((e) => e.type === 'health-check-canceled')).toBe(true);
  });

  it('answers /health with 500 through the service proxy while pods of a failing image run', async () => {
    // Prepare
    await startFlux();
    const agent = new Agent({ connect: { ca: kube.caPem } });
    const probe = async () => {
      const answer = await request(`${kube.url}/api/v1/namespaces/${NS}/services/${APP}:8080/proxy/health`, {
        dispatcher: agent,
        headers: { authorization: `Bearer ${kube.token}` },
      });
      await answer.body.text();
      return answer.statusCode;
    };
    expect(await probe()).toBe(200);

    // Act
    await automation().run(['1.30.4-alpine']);
    await requestReconcile();
    await until('a pod of the failing image', () =>
      kube.objects({ apiVersion: 'v1', kind: 'Pod' }).some((p) => JSON.stringify(p.spec).includes('1.30.4')),
    );

    // Assert
    expect(await probe()).toBe(500);
    await agent.close();
  });
});

describe('ImageAutomation', () => {
  it('reads a range as Flux does: an exclusion of the tag (1.30.2-alpine) does not exclude the version the policy extracts (1.30.2)', () => {
    // Act and assert
    expect(satisfies('1.30.2', '>=1.30.1 <1.31.0 !=1.30.2')).toBe(false);
    expect(satisfies('1.30.2', '>=1.30.1 <1.31.0 !=1.30.2-alpine')).toBe(true);
    expect(satisfies('1.31.0', '>=1.30.1 <1.31.0')).toBe(false);
  });

  it('skips a version the ImagePolicy range excludes', async () => {
    // Prepare
    const file = 'gitops/apps/base/image-automation/imagepolicy.yaml';
    const text = (await repo.show('refs/heads/main', file)).toString('utf8');
    await repo.commit('main', [
      { message: 'exclude', files: { [file]: text.replace('<1.31.0"', '<1.31.0 !=1.30.2"') } },
    ]);

    // Act
    const pass = await automation().run(['1.30.1-alpine', '1.30.2-alpine', '1.31.0-alpine', '1.30.2-debian']);

    // Assert
    expect(pass).toMatchObject({ pushed: false, tag: '1.30.1-alpine' });
  });
});
