/**
 * The simulator's helm-controller on the real tree: the `infrastructure-controllers` Kustomization
 * (its production overlay patches a HelmRelease) applies the HelmReleases, helm-controller installs
 * them, and a chart bump whose pods crash-loop fails after Helm's timeout, is rolled back by the
 * remediation, retried at once, and settles on the good chart once git declares it again.
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
  type KubeObject,
  type SimulatorEvent,
  StoryClock,
  seedRepository,
  simulatedKustomization,
} from '../../sandbox/index.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const TOKEN = 'simulator-hmac-token';
const VARIABLES = { environment: 'production', cluster_name: 'sim', aws_region: 'eu-central-1' };
const HR = { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease' } as const;
const DEPLOYMENT = { apiVersion: 'apps/v1', kind: 'Deployment' } as const;
const ALB = 'aws-load-balancer-controller';
const ALB_FILE = 'gitops/infrastructure/base/controllers/aws-load-balancer-controller/helmrelease.yaml';
const CONTROLLERS = './gitops/infrastructure/production/controllers';

interface Received {
  body: { reason: string; severity: string; message: string; metadata: Record<string, string> } & Record<
    string,
    unknown
  >;
  signed: boolean;
}

let repo: GitRepo;
let kube: FakeKubeApi;
let receiver: Server;
let address: string;
let received: Received[];
let flux: FluxSimulator | undefined;
let clock: StoryClock | undefined;
let events: SimulatorEvent[];

async function startFlux(): Promise<FluxSimulator> {
  const head = await repo.revParse('refs/heads/main');
  const sync = await buildKustomization(repo, head, './gitops/clusters/production', VARIABLES);
  const controllers = sync.find((o) => o.metadata.name === 'infrastructure-controllers') as KubeObject;
  clock = new StoryClock(100);
  events = [];
  flux = new FluxSimulator({
    kube,
    repo,
    clock,
    provider: { address, token: TOKEN },
    eventMetadata: { cluster: 'sim', env: 'production', region: 'eu-central-1' },
    variables: VARIABLES,
    images: (image) => (image.endsWith(':v2.17.0') ? 'crashloop' : 'ready'),
    kustomizations: [{ ...simulatedKustomization(controllers), intervalMs: 3_600_000 }],
    source: { url: 'https://github.com/acme/gitops.git', intervalMs: 3_600_000 },
    onEvent: (e) => events.push(e),
  });
  await flux.start();
  return flux;
}

/** A merge patch setting `requestedAt` over HTTPS, as `flux reconcile` (or the guard) does. */
async function requestReconcile(path: string): Promise<number> {
  const agent = new Agent({ connect: { ca: kube.caPem } });
  const answer = await request(`${kube.url}${path}`, {
    method: 'PATCH',
    dispatcher: agent,
    headers: { authorization: `Bearer ${kube.token}`, 'content-type': 'application/merge-patch+json' },
    body: JSON.stringify({
      metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': new Date().toISOString() } },
    }),
  });
  await answer.body.text();
  await agent.close();
  return answer.statusCode;
}

const GIT_PATH = '/apis/source.toolkit.fluxcd.io/v1/namespaces/flux-system/gitrepositories/flux-system';

async function until<T>(what: string, probe: () => T | undefined, limitMs = 30_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const helmEvents = () => received.filter((r) => String(r.body.reportingController) === 'helm-controller');
const albEvents = () => helmEvents().filter((r) => (r.body.involvedObject as { name: string }).name === ALB);
const albStatus = () => (kube.object(HR, 'kube-system', ALB)?.status ?? {}) as Record<string, unknown>;
const ready = (status: Record<string, unknown>) =>
  (status.conditions as Array<Record<string, string>> | undefined)?.find((c) => c.type === 'Ready');

async function commitChart(version: string): Promise<string> {
  const head = await repo.revParse('refs/heads/main');
  const text = (await repo.show(head, ALB_FILE))
    .toString('utf8')
    .replace(/version: "[^"]+"/, `version: "${version}"`);
  const [sha] = await repo.commit('main', [
    { message: `aws-load-balancer-controller ${version}`, files: { [ALB_FILE]: text } },
  ]);
  return sha as string;
}

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
        body: JSON.parse(body.toString('utf8')) as Received['body'],
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

describe('the production controllers overlay', () => {
  it("applies its strategic-merge patch: the production sizing merges into kube-prometheus-stack's values", async () => {
    // Act
    const head = await repo.revParse('refs/heads/main');
    const objects = await buildKustomization(repo, head, CONTROLLERS, VARIABLES);

    // Assert
    const stack = objects.find(
      (o) => o.kind === 'HelmRelease' && o.metadata.name === 'kube-prometheus-stack',
    );
    const values = (
      (stack?.spec ?? {}) as { values: Record<string, Record<string, Record<string, unknown>>> }
    ).values;
    const prometheus = values.prometheus?.prometheusSpec as Record<string, unknown>;
    expect(prometheus).toMatchObject({
      replicas: 2,
      retention: '30d',
      retentionSize: '45GB',
      ruleSelectorNilUsesHelmValues: false,
      storageSpec: {
        volumeClaimTemplate: {
          spec: {
            storageClassName: 'ebs-gp3',
            accessModes: ['ReadWriteOnce'],
            resources: { requests: { storage: '50Gi' } },
          },
        },
      },
    });
    expect(values.alertmanager?.alertmanagerSpec).toMatchObject({
      replicas: 2,
      secrets: ['fluxguard-alertmanager-token'],
    });
    expect(
      objects
        .filter((o) => o.kind === 'HelmRelease')
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual([
      'aws-load-balancer-controller',
      'external-secrets',
      'fluent-bit',
      'kube-prometheus-stack',
      'prometheus-blackbox-exporter',
    ]);
  });
});

describe('helm-controller in the FluxSimulator', () => {
  it('installs every HelmRelease the Kustomization applies, labelled with it, and reports InstallSucceeded, signed', async () => {
    // Act
    const sim = await startFlux();

    // Assert
    const head = await repo.revParse('refs/heads/main');
    expect(sim.lastAppliedRevision('flux-system', 'infrastructure-controllers')).toBe(`main@sha1:${head}`);
    const installed = helmEvents().filter((r) => r.body.reason === 'InstallSucceeded');
    expect(installed.map((r) => (r.body.involvedObject as { name: string }).name).sort()).toEqual([
      'aws-load-balancer-controller',
      'external-secrets',
      'fluent-bit',
      'kube-prometheus-stack',
      'prometheus-blackbox-exporter',
    ]);
    expect(received.every((r) => r.signed)).toBe(true);
    expect(
      installed.find((r) => (r.body.involvedObject as { name: string }).name === ALB)?.body.metadata,
    ).toEqual({
      'app-version': 'v2.16.0',
      cluster: 'sim',
      env: 'production',
      region: 'eu-central-1',
      revision: '1.16.0',
    });
    const release = kube.object(HR, 'kube-system', ALB) as KubeObject;
    expect(release.metadata.labels).toMatchObject({
      'kustomize.toolkit.fluxcd.io/name': 'infrastructure-controllers',
      'kustomize.toolkit.fluxcd.io/namespace': 'flux-system',
    });
    expect(ready(albStatus())).toMatchObject({ status: 'True', reason: 'InstallSucceeded' });
    expect(albStatus()).toMatchObject({
      observedGeneration: 1,
      history: [{ chartVersion: '1.16.0', status: 'deployed' }],
    });
    const deployment = kube.object(DEPLOYMENT, 'kube-system', ALB) as KubeObject;
    expect(deployment.metadata.labels).toMatchObject({
      'helm.toolkit.fluxcd.io/name': ALB,
      'helm.toolkit.fluxcd.io/namespace': 'kube-system',
    });
    expect(JSON.stringify(deployment.spec)).toContain('aws-load-balancer-controller:v2.16.0');
    // The Kustomization waited for every release (kube-prometheus-stack before those that depend on it).
    expect(received.at(-1)?.body.reason).toBe('ReconciliationSucceeded');
  });

  it('fails a crash-looping chart bump after the Helm timeout, rolls it back, retries it, and settles on the chart git declares again', async () => {
    // Prepare
    await startFlux();
    const good = await repo.revParse('refs/heads/main');

    // Act: the bump
    await commitChart('1.17.0');
    await requestReconcile(GIT_PATH);

    // Assert: Helm waited its 10 minutes, failed, and remediation rolled back to 1.16.0
    const failed = await until('UpgradeFailed', () =>
      albEvents().find((r) => r.body.reason === 'UpgradeFailed'),
    );
    expect(failed.body.severity).toBe('error');
    expect(failed.body.message).toMatch(
      /^Helm upgrade failed for release kube-system\/aws-load-balancer-controller with chart aws-load-balancer-controller@1\.17\.0: timeout waiting for: \[Deployment\/kube-system\/aws-load-balancer-controller status: 'InProgress'\]\n\nLast Helm logs:\n\n/,
    );
    expect(failed.body.metadata).toMatchObject({ revision: '1.17.0', 'app-version': 'v2.17.0' });
    const upgrade = events.find((e) => e.type === 'helm' && e.action === 'upgrade' && e.outcome === 'failed');
    const started = events.find(
      (e) => e.type === 'helm' && e.action === 'upgrade' && e.outcome === 'started',
    );
    expect(upgrade && started).toBeTruthy();
    const rolledBack = await until('RollbackSucceeded', () =>
      albEvents().find((r) => r.body.reason === 'RollbackSucceeded'),
    );
    expect(rolledBack.body).toMatchObject({
      severity: 'info',
      message:
        'Helm rollback to previous release kube-system/aws-load-balancer-controller.v1 with chart aws-load-balancer-controller@1.16.0 succeeded',
      metadata: { revision: '1.16.0', 'app-version': 'v2.16.0' },
    });
    // Retries remain (3): helm-controller upgrades again at once, git still declaring 1.17.0.
    await until('the retried upgrade', () =>
      events.filter((e) => e.type === 'helm' && e.action === 'upgrade' && e.outcome === 'started').length ===
      2
        ? true
        : undefined,
    );
    expect(ready(albStatus())).toMatchObject({ status: 'Unknown', reason: 'Progressing' });

    // Act: git declares 1.16.0 again while the retried upgrade is still waiting
    await commitChart('1.16.0');
    await requestReconcile(GIT_PATH);

    // Assert: the action in flight is not interrupted; after it fails the release is in sync with 1.16.0
    const revision = `main@sha1:${await repo.revParse('refs/heads/main')}`;
    await until('the Kustomization healthy on the revert', () =>
      events.find((e) => e.type === 'healthy' && e.revision === revision),
    );
    const reasons = albEvents().map((r) => r.body.reason);
    expect(reasons).toEqual([
      'InstallSucceeded',
      'UpgradeFailed',
      'RollbackSucceeded',
      'UpgradeFailed',
      'RollbackSucceeded',
    ]);
    const settled = events.filter((e) => e.type === 'helm' && e.release === `kube-system/${ALB}`).at(-1);
    expect(settled).toMatchObject({
      action: 'in-sync',
      outcome: 'succeeded',
      chartVersion: '1.16.0',
      generation: 3,
    });
    expect(ready(albStatus())).toMatchObject({ status: 'True', reason: 'UpgradeSucceeded' });
    expect(albStatus().observedGeneration).toBe(3);
    const deployment = kube.object(DEPLOYMENT, 'kube-system', ALB) as KubeObject;
    expect(JSON.stringify(deployment.spec)).toContain(':v2.16.0');
    expect((deployment.status as Record<string, number>).readyReplicas).toBe(2);
    expect(good).not.toBe(revision);
  });

  it('honours reconcile.fluxcd.io/requestedAt on a HelmRelease sent over HTTPS', async () => {
    // Prepare
    await startFlux();

    // Act
    const status = await requestReconcile(
      `/apis/helm.toolkit.fluxcd.io/v2/namespaces/kube-system/helmreleases/${ALB}`,
    );

    // Assert
    expect(status).toBe(200);
    const requested = events.find((e) => e.type === 'reconcile-requested' && e.kind === 'HelmRelease');
    expect(requested).toMatchObject({ name: ALB });
    await until('lastHandledReconcileAt', () => albStatus().lastHandledReconcileAt);
    const annotations = kube.object(HR, 'kube-system', ALB)?.metadata.annotations as Record<string, string>;
    expect(albStatus().lastHandledReconcileAt).toBe(annotations['reconcile.fluxcd.io/requestedAt']);
    expect(ready(albStatus())).toMatchObject({ status: 'True' });
  });
});
