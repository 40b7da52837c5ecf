import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { endpointFromKubeConfig } from '../../../lambdas/cluster/cluster-connection.js';
import { KubeReader } from '../../../lambdas/cluster/kube-reader.js';
import type { ValidationReport } from '../../../lambdas/cluster/validation/report.js';
import { type ValidateRequest, validateRollout } from '../../../lambdas/cluster/validation/validate.js';
import {
  type AppOptions,
  app,
  FakeKubeApi,
  gitRepository,
  helmRelease,
  type KubeObject,
  kustomization,
  makeTestPki,
  PREVIOUS_REVISION,
  REVISION,
} from '../../../sandbox/index.js';

const api = new FakeKubeApi();
let reader: KubeReader;

beforeAll(async () => {
  await api.start();
  reader = new KubeReader({
    endpoint: await endpointFromKubeConfig(api.kubeConfig()),
    requestTimeoutMs: 2_000,
  });
});
afterAll(async () => {
  await reader.close();
  await api.close();
});
beforeEach(() => {
  api.clear();
});

const target = { kind: 'Kustomization', namespace: 'flux-system', name: 'apps' } as const;
const noWait = async () => {};

/** Puts apps, their Kustomization and GitRepository on the fake API, each app's /health answering 200. */
function cluster(apps: KubeObject[][], { failed = false } = {}): void {
  const objects = apps.flat();
  api.put(...objects, kustomization(objects, { failed }), gitRepository());
  for (const o of objects.filter((x) => x.kind === 'Service')) {
    api.proxy(o.metadata.namespace ?? '', `${o.metadata.name}:http`, () => ({ status: 200, body: 'ok' }));
  }
}

async function validate(extra: Partial<ValidateRequest> = {}, sleep = noWait): Promise<ValidationReport> {
  return validateRollout(
    { target, checks: 3, intervalMs: 10, probeTimeoutMs: 2_000, ...extra },
    { reader, sleep },
  );
}

function evidenceOf(report: ValidationReport, layer: 'rollout' | 'pods' | 'http'): string {
  return report.layers[layer].evidence.map((e) => `${e.object} ${e.field}: ${e.value}`).join('\n');
}

describe('validating a rollout against the fake Kubernetes API', () => {
  it('passes a healthy rollout after one check, reading the Flux context the revert engine needs', async () => {
    // Prepare
    cluster([app('web'), app('api', { health: false })]);

    // Act
    const report = await validate({ revision: REVISION });

    // Assess
    expect(report.verdict).toBe('pass');
    expect(report.checks.run).toBe(1);
    expect(report.layers.rollout.verdict).toBe('pass');
    expect(report.layers.pods.verdict).toBe('pass');
    expect(report.layers.http.verdict).toBe('pass');
    expect(evidenceOf(report, 'http')).toContain(
      'GET /api/v1/namespaces/shop/services/web:http/proxy/health: HTTP 200',
    );
    expect(report.workloads.map((w) => [w.name, w.http])).toEqual([
      ['api', undefined],
      ['web', 'pass'],
    ]);
    expect(report.flux).toMatchObject({
      lastAppliedRevision: REVISION,
      lastAttemptedRevision: REVISION,
      path: './gitops/apps/production',
      source: { kind: 'GitRepository', url: 'https://github.com/acme/fluxguard.git', branch: 'main' },
    });
    expect(api.requests.every((r) => r.authorized)).toBe(true);
  });

  it('fails a Deployment whose progress deadline was exceeded, with the condition as evidence', async () => {
    // Prepare
    cluster([app('web', { state: 'deadline' })], { failed: true });

    // Act
    const report = await validate({ revision: REVISION });

    // Assess
    expect(report.verdict).toBe('fail');
    expect(report.checks.run).toBe(3);
    expect(report.layers.rollout).toMatchObject({ verdict: 'fail', checks: ['fail', 'fail', 'fail'] });
    expect(evidenceOf(report, 'rollout')).toContain(
      'Deployment/shop/web status.conditions[Progressing]: False ProgressDeadlineExceeded',
    );
    expect(report.flux?.lastAppliedRevision).toBe(PREVIOUS_REVISION);
    expect(report.summary).toMatch(/^FAIL Kustomization flux-system\/apps at main@sha1:4f2b1c9e/);
  });

  it.each([
    ['crashloop', 'CrashLoopBackOff: back-off 2m40s restarting failed container=web'],
    ['imagepull', 'ImagePullBackOff: Back-off pulling image "ghcr.io/acme/shop-web:1.4.3"'],
  ] as const)(
    'fails the pods layer of a %s rollout with the waiting reason as evidence',
    async (state, reason) => {
      // Prepare
      cluster([app('web', { state })]);

      // Act
      const report = await validate();

      // Assess
      expect(report.verdict).toBe('fail');
      expect(report.layers.pods).toMatchObject({ verdict: 'fail', checks: ['fail', 'fail', 'fail'] });
      expect(evidenceOf(report, 'pods')).toContain(reason);
      expect(evidenceOf(report, 'pods')).toContain('Deployment/shop/web ready pods: 0/3');
      expect(report.layers.rollout.verdict).toBe('inconclusive');
    },
  );

  it('passes a rollout that is still progressing at the first check and healthy at the second', async () => {
    // Prepare
    cluster([app('web', { state: 'progressing' })]);
    const becomeHealthy = async () => {
      api.clear();
      cluster([app('web')]);
    };

    // Act
    const report = await validate({}, becomeHealthy);

    // Assess
    expect(report.verdict).toBe('pass');
    expect(report.checks.run).toBe(2);
    expect(report.layers.rollout.checks).toEqual(['pending', 'pass']);
    expect(report.layers.pods.checks).toEqual(['pending', 'pass']);
  });

  it('does not hold a failing health check against a rollout that is still progressing', async () => {
    // Prepare
    cluster([app('web', { state: 'progressing' })]);
    api.proxy('shop', 'web:http', () => ({ status: 503, body: 'upstream connect error' }));
    const becomeHealthy = async () => {
      api.clear();
      cluster([app('web')]);
    };

    // Act
    const report = await validate({}, becomeHealthy);

    // Assess
    expect(report.layers.http.checks).toEqual(['pending', 'pass']);
    expect(report.verdict).toBe('pass');
  });

  it('fails a rollout with half its pods ready, naming the pods that are not', async () => {
    // Prepare
    cluster([app('web', { state: 'half-ready', replicas: 4 })]);

    // Act
    const report = await validate();

    // Assess
    expect(report.verdict).toBe('fail');
    expect(report.layers.rollout.verdict).toBe('fail');
    expect(report.layers.pods.verdict).toBe('fail');
    expect(evidenceOf(report, 'pods')).toContain('Deployment/shop/web ready pods: 2/4');
    expect(evidenceOf(report, 'pods')).toMatch(
      /Pod\/shop\/web-\w+-\w+ status.conditions\[Ready\]: Running, not ready/,
    );
  });

  it('fails the HTTP layer when the health path answers 500 through the service proxy', async () => {
    // Prepare
    cluster([app('web')]);
    api.proxy('shop', 'web:http', (path) => ({
      status: 500,
      body: `{"error":"db unreachable","path":"${path}"}`,
    }));

    // Act
    const report = await validate();

    // Assess
    expect(report.verdict).toBe('fail');
    expect(report.layers.rollout.verdict).toBe('pass');
    expect(report.layers.http).toMatchObject({ verdict: 'fail', checks: ['fail', 'fail', 'fail'] });
    expect(evidenceOf(report, 'http')).toContain('HTTP 500: {"error":"db unreachable","path":"/health"}');
  });

  it('fails the HTTP layer when the health path does not answer within the probe timeout', async () => {
    // Prepare
    cluster([app('web')]);
    api.proxy('shop', 'web:http', () => 'hang');

    // Act
    const report = await validate({ probeTimeoutMs: 1_000 });

    // Assess
    expect(report.layers.http.verdict).toBe('fail');
    expect(evidenceOf(report, 'http')).toContain('no answer within 1000 ms');
  });

  it('is inconclusive, never failed, when RBAC forbids listing pods (403)', async () => {
    // Prepare
    cluster([app('web', { state: 'crashloop' })]);
    api.faults.push(({ path }) =>
      path.endsWith('/pods')
        ? {
            status: 403,
            message:
              'pods is forbidden: User "fluxguard" cannot list resource "pods" in API group "" in the namespace "shop"',
          }
        : undefined,
    );

    // Act
    const report = await validate();

    // Assess
    expect(report.layers.pods.verdict).toBe('inconclusive');
    expect(evidenceOf(report, 'pods')).toContain('forbidden (HTTP 403): pods is forbidden');
    expect(report.verdict).toBe('inconclusive');
  });

  it('is inconclusive when the API server answers 5xx, for a list and for the Kustomization itself', async () => {
    // Prepare
    cluster([app('web', { state: 'deadline' })]);
    api.faults.push(({ path }) =>
      path.endsWith('/deployments') ? { status: 500, message: 'etcdserver: request timed out' } : undefined,
    );

    // Act
    const listFailed = await validate();
    api.faults = [({ path }) => (path.includes('/kustomizations/') ? { status: 503 } : undefined)];
    const objectFailed = await validate();

    // Assess
    expect(listFailed.layers.rollout.verdict).toBe('inconclusive');
    expect(evidenceOf(listFailed, 'rollout')).toContain('server (HTTP 500): etcdserver: request timed out');
    expect(listFailed.verdict).toBe('inconclusive');
    expect(objectFailed.verdict).toBe('inconclusive');
    expect(Object.values(objectFailed.layers).map((l) => l.verdict)).toEqual([
      'inconclusive',
      'inconclusive',
      'inconclusive',
    ]);
  });

  it('is inconclusive when the health check alternates between failing and passing', async () => {
    // Prepare
    cluster([app('web')]);
    let calls = 0;
    api.proxy('shop', 'web:http', () => {
      calls += 1;
      return calls % 2 === 1 ? { status: 503, body: 'warming up' } : { status: 200, body: 'ok' };
    });

    // Act
    const report = await validate({ checks: 3 });

    // Assess
    expect(report.layers.http.checks).toEqual(['fail', 'pass']);
    expect(report.layers.http.verdict).toBe('inconclusive');
    expect(report.verdict).toBe('inconclusive');
  });

  it.each([
    ['has acted on its newest spec', 2, 'fail', true],
    ['has not acted on its newest spec yet (a Helm action in flight)', 3, 'pending', false],
  ] as const)(
    'judges crash-looping release workloads by whether helm-controller %s',
    async (_when, generation, podsCheck, definitive) => {
      // Prepare
      const helmLabels = {
        'helm.toolkit.fluxcd.io/name': 'podinfo',
        'helm.toolkit.fluxcd.io/namespace': 'apps',
      };
      const release = helmRelease('podinfo', 'apps', 'podinfo');
      release.metadata.generation = generation;
      api.put(
        release,
        ...app('podinfo', { namespace: 'podinfo', labels: helmLabels, owner: {}, state: 'crashloop' }),
      );

      // Act
      const report = await validateRollout(
        { target: { kind: 'HelmRelease', namespace: 'apps', name: 'podinfo' }, checks: 1, intervalMs: 0 },
        { reader },
      );

      // Assess
      expect(report.layers.pods.checks).toEqual([podsCheck]);
      expect(report.definitiveFailure).toBe(definitive);
      expect(report.verdict === 'fail').toBe(definitive);
    },
  );

  it('validates the workloads a HelmRelease labels in its release namespace, and no others', async () => {
    // Prepare
    const helmLabels = {
      'helm.toolkit.fluxcd.io/name': 'podinfo',
      'helm.toolkit.fluxcd.io/namespace': 'apps',
    };
    api.put(
      helmRelease('podinfo', 'apps', 'podinfo'),
      ...app('podinfo', {
        namespace: 'podinfo',
        labels: helmLabels,
        owner: {},
        health: { path: '/healthz', port: '80' },
      }),
      ...app('unrelated', { namespace: 'podinfo', state: 'crashloop', owner: {} }),
    );
    api.proxy('podinfo', 'podinfo:http', (path) =>
      path === '/healthz' ? { status: 200, body: '{"status":"OK"}' } : { status: 404, body: '' },
    );

    // Act
    const report = await validateRollout(
      {
        target: { kind: 'HelmRelease', namespace: 'apps', name: 'podinfo' },
        revision: '6.7.1',
        intervalMs: 0,
      },
      { reader },
    );

    // Assess
    expect(report.verdict).toBe('pass');
    expect(report.workloads.map((w) => `${w.kind}/${w.namespace}/${w.name}`)).toEqual([
      'Deployment/podinfo/podinfo',
    ]);
    expect(report.flux).toMatchObject({
      releaseNamespace: 'podinfo',
      lastAttemptedRevision: '6.7.1',
      source: { kind: 'HelmRepository' },
    });
  });

  it('checks a 50-workload inventory with one batch of lists per namespace and parallel probes', async () => {
    // Prepare
    const apps = Array.from({ length: 50 }, (_, i) =>
      app(`svc-${String(i).padStart(2, '0')}`, { namespace: i < 25 ? 'shop' : 'billing', replicas: 2 }),
    );
    cluster(apps);

    // Act
    const report = await validate({ probeTimeoutMs: 3_000 });

    // Assess
    expect(report.verdict).toBe('pass');
    expect(report.workloads).toHaveLength(50);
    const lists = api.requests.filter(
      (r) => !r.path.includes('/proxy/') && !/\/(kustomizations|gitrepositories)\//.test(r.path),
    );
    expect(lists).toHaveLength(12);
    expect(api.requests.filter((r) => r.path.includes('/proxy/'))).toHaveLength(50);
    expect(api.requests).toHaveLength(64);
  });

  it('is inconclusive when Flux is at another revision than the one the trigger is about', async () => {
    // Prepare
    cluster([app('web', { state: 'deadline' })]);

    // Act
    const report = await validate({ revision: 'main@sha1:0123456789abcdef0123456789abcdef01234567' });

    // Assess
    expect(report.layers.rollout.verdict).toBe('fail');
    expect(report.verdict).toBe('inconclusive');
    expect(report.reason).toContain(`is at revision ${REVISION}, not main@sha1:0123456789`);
  });

  it('accepts a short commit sha as the revision', async () => {
    // Prepare
    cluster([app('web')]);

    // Act
    const report = await validate({ revision: '4f2b1c9' });

    // Assess
    expect(report.verdict).toBe('pass');
  });

  it('is inconclusive when the HTTP annotations name a port the Service does not have', async () => {
    // Prepare
    cluster([app('web', { health: { path: '/health', port: 'metrics' } as AppOptions['health'] })]);

    // Act
    const report = await validate();

    // Assess
    expect(report.layers.http.verdict).toBe('inconclusive');
    expect(evidenceOf(report, 'http')).toContain('Service shop/web has no port metrics');
  });

  it('is inconclusive for a kind it does not know, without reading the cluster', async () => {
    // Prepare
    const target = {
      kind: 'Deployment',
      namespace: 'shop',
      name: 'web',
    } as unknown as ValidateRequest['target'];

    // Act
    const report = await validateRollout({ target, checks: 1 }, { reader });

    // Assess
    expect(report.verdict).toBe('inconclusive');
    expect(evidenceOf(report, 'rollout')).toContain('unknown kind');
    expect(api.requests).toHaveLength(0);
  });

  it('is inconclusive, not failed, when a Deployment has no ReplicaSet to tell its current pods by', async () => {
    // Prepare
    const objects = app('web', { state: 'half-ready' }).filter((o) => o.kind !== 'ReplicaSet');
    api.put(...objects, kustomization(objects), gitRepository());

    // Act
    const report = await validate();

    // Assess
    expect(report.layers.pods.verdict).toBe('inconclusive');
    expect(evidenceOf(report, 'pods')).toContain('pod-template-hash: no ReplicaSet found');
  });
});

describe('the Kubernetes connection', () => {
  it('refuses a server whose certificate is not signed by the cluster CA, so validation is inconclusive', async () => {
    // Prepare
    cluster([app('web', { state: 'deadline' })]);
    const otherCa = makeTestPki().caPem;
    const untrusting = new KubeReader({
      endpoint: await endpointFromKubeConfig(api.kubeConfig(api.token, otherCa)),
      requestTimeoutMs: 2_000,
    });

    // Act
    const report = await validateRollout({ target, intervalMs: 0 }, { reader: untrusting });
    await untrusting.close();

    // Assess
    expect(report.verdict).toBe('inconclusive');
    expect(evidenceOf(report, 'rollout')).toMatch(/network: .*(certificate|self.signed|verify)/i);
    expect(api.requests).toHaveLength(0);
  });

  it('is inconclusive with a 401 when the token is wrong', async () => {
    // Prepare
    cluster([app('web')]);
    const wrong = new KubeReader({
      endpoint: await endpointFromKubeConfig(api.kubeConfig('k8s-aws-v1.wrong')),
      requestTimeoutMs: 2_000,
    });

    // Act
    const report = await validateRollout({ target, checks: 1 }, { reader: wrong });
    await wrong.close();

    // Assess
    expect(report.verdict).toBe('inconclusive');
    expect(evidenceOf(report, 'rollout')).toContain('unauthorized (HTTP 401)');
  });

  it('times out an API request that takes longer than the request timeout', async () => {
    // Prepare
    cluster([app('web')]);
    api.delayMs = 400;
    const impatient = new KubeReader({
      endpoint: await endpointFromKubeConfig(api.kubeConfig()),
      requestTimeoutMs: 100,
    });

    // Act
    const report = await validateRollout({ target, checks: 1 }, { reader: impatient });
    await impatient.close();

    // Assess
    expect(report.verdict).toBe('inconclusive');
    expect(evidenceOf(report, 'rollout')).toContain('timeout: no answer within 100 ms');
  });
});
