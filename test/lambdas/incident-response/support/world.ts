import { SNSClient } from '@aws-sdk/client-sns';
import { alertFromNotification } from '../../../../lambdas/alerts/index.js';
import { endpointFromKubeConfig, KubeReader } from '../../../../lambdas/cluster/index.js';
import {
  classify,
  type FluxEvent,
  FluxEventSchema,
  normalizeFluxEvent,
} from '../../../../lambdas/flux/index.js';
import {
  type AlarmTagReader,
  AlarmTargets,
  DynamoDbStateStore,
  type FollowUpScheduler,
  GitHubSession,
  type IncidentDeps,
  type IncidentOutcome,
  type IncidentSettings,
  InjectedCrash,
  KubeClient,
  KubeClusterGateway,
  type PipelineStep,
  processIncident,
  SnsAlertPublisher,
} from '../../../../lambdas/incident-response/index.js';
import {
  bodyDigest,
  buildFluxQueueMessage,
  type FollowUpMessage,
  type IncidentInput,
} from '../../../../lambdas/incidents/index.js';
import { WritePacer } from '../../../../lambdas/revert/index.js';
import {
  type AppState,
  app,
  type CapturedSns,
  type CommitSpec,
  FakeGitHub,
  FakeKubeApi,
  GitRepo,
  gitRepository,
  helmRelease,
  type KubeObject,
  kustomization,
  type LocalDynamoDb,
  startCapturedSns,
  startLocalDynamoDb,
} from '../../../../sandbox/index.js';

/** The Kustomization `spec.path` every scenario reverts. */
export const APP_PATH = 'gitops/apps/production';
export const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:fluxguard-alerts';
const REPO_URL = 'https://127.0.0.1/acme/gitops.git';

/** The repository's first commit: the app in scope, infrastructure out of it. */
export const INITIAL: CommitSpec = {
  message: 'Initial layout',
  files: {
    [`${APP_PATH}/kustomization.yaml`]: 'resources: [web.yaml, podinfo.yaml]\n',
    [`${APP_PATH}/podinfo.yaml`]: 'chart: podinfo\nversion: 6.7.0\n',
    [`${APP_PATH}/web.yaml`]: 'image: ghcr.io/acme/shop-web:1.4.2 # {"$imagepolicy": "flux-system:web"}\n',
    'gitops/infrastructure/ingress.yaml': 'ingress: nginx\n',
  },
};

/** A change of the app's image: the usual failing commit. */
export const BUMP: CommitSpec = {
  message: 'Bump web to 1.4.3',
  files: {
    [`${APP_PATH}/web.yaml`]: 'image: ghcr.io/acme/shop-web:1.4.3 # {"$imagepolicy": "flux-system:web"}\n',
  },
};

/** Everything one scenario runs against, in this process. */
export interface World {
  kube: FakeKubeApi;
  repo: GitRepo;
  github: FakeGitHub;
  db: LocalDynamoDb;
  sns: CapturedSns;
  store: DynamoDbStateStore;
  /** The state table's name in {@link World.db}. */
  tableName: string;
  deps: IncidentDeps;
  settings: IncidentSettings;
  followUps: FollowUpMessage[];
  /** The test clock; scenarios move it. */
  clock: { now: Date };
  /** `[good, failing, ...]` commit SHAs on main. */
  shas: string[];
  /** Puts the app, its Kustomization (attempting `revision`) and the GitRepository in the fake cluster. */
  deploy(options: { state: AppState; attempted: string; applied?: string; failed?: boolean }): void;
  /** A webhook queue message for a Flux event (Kustomization `flux-system/apps` unless said otherwise). */
  flux(
    event: Partial<FluxEvent> & {
      reason: string;
      severity: 'info' | 'error';
      revision?: string;
      kind?: string;
      name?: string;
      namespace?: string;
    },
  ): IncidentInput;
  run(input: IncidentInput, messageId?: string): Promise<IncidentOutcome>;
  /** The alerts published, parsed back from the SNS messages. */
  alerts(): ReturnType<typeof alertFromNotification>[];
  /** The merge patches the fake API received, as `Kind/ns/name` with the patched annotation or field. */
  patches: string[];
  /** Commits on main after `sha`, newest first, as `sha subject`. */
  commitsAfter(sha: string): Promise<string[]>;
  close(): Promise<void>;
}

let tableCount = 0;

/** Builds a world: a git repository with {@link INITIAL} plus `commits`, and every stand-in started. */
export async function world(
  commits: readonly CommitSpec[] = [BUMP],
  settings: Partial<IncidentSettings> = {},
  { tags = {}, latencyMs = 0 }: { tags?: Record<string, Record<string, string>>; latencyMs?: number } = {},
): Promise<World> {
  const repo = await GitRepo.create();
  const shas = await repo.commit('main', [INITIAL, ...commits]);
  const [github, kube, db, sns] = await Promise.all([
    new FakeGitHub({ repo, owner: 'acme', name: 'gitops', latencyMs }).start(),
    new FakeKubeApi().start(),
    startLocalDynamoDb({ latencyMs }),
    startCapturedSns({ latencyMs }),
  ]);
  kube.delayMs = latencyMs;
  tableCount += 1;
  const table = `state-${process.pid}-${tableCount}`;
  await db.createStateTable(table);
  const store = new DynamoDbStateStore({ client: db.client, tableName: table });
  const clock = { now: new Date('2026-05-04T12:36:00Z') };
  const full: IncidentSettings = {
    cluster: 'prod',
    environment: 'production',
    defaultMode: 'revert',
    dryRun: false,
    confirmChecks: 2,
    confirmIntervalMs: 0,
    bakeMinutes: 10,
    followUpSeconds: 60,
    staleMinutes: 20,
    reapplyPullRequest: true,
    breaker: { maxPerObject: 3, objectWindowHours: 6, maxPerCluster: 10, clusterWindowHours: 1 },
    revertLeaseSeconds: 300,
    leaseWaitMs: 60_000,
    ...settings,
  };
  const endpoint = await endpointFromKubeConfig(kube.kubeConfig());
  const session = new GitHubSession({
    apiUrl: github.url,
    credentials: async () => ({ key: 'test', credentials: { kind: 'token', token: 'test-token' } }),
    tuning: { waitUnitMs: 1, pacer: new WritePacer({ burst: 1000 }) },
  });
  const followUps: FollowUpMessage[] = [];
  const scheduler: FollowUpScheduler = {
    async schedule(message) {
      followUps.push(message);
    },
  };
  const tagReader: AlarmTagReader = { tags: async (arn) => tags[arn] ?? {} };
  const patches: string[] = [];
  kube.onWrite((event) => {
    if (event.via !== 'PATCH') return;
    const o = event.object as KubeObject & { spec?: { suspend?: boolean } };
    const annotations = (o.metadata.annotations ?? {}) as Record<string, string>;
    const requested = annotations['reconcile.fluxcd.io/requestedAt'];
    patches.push(
      `${o.kind}/${o.metadata.namespace}/${o.metadata.name}${requested ? ' requestedAt' : ''}${o.spec?.suspend ? ' suspend' : ''}`,
    );
  });
  const sdkCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const deps: IncidentDeps = {
    settings: full,
    state: store,
    cluster: new KubeClusterGateway(new KubeClient(endpoint), new KubeReader({ endpoint }), {
      sleep: async () => undefined,
    }),
    git: (url) => session.gateway(url),
    alerts: new SnsAlertPublisher(
      new SNSClient({ endpoint: sns.url, region: 'us-east-1', credentials: sdkCredentials }),
      TOPIC_ARN,
    ),
    followUps: scheduler,
    alarms: new AlarmTargets(tagReader, { defaultCluster: 'prod' }),
    now: () => clock.now,
    // Waiting (for a lease) moves the test clock, not the wall clock.
    sleep: async (ms) => {
      clock.now = new Date(clock.now.getTime() + ms);
    },
  };
  let messages = 0;
  const w: World = {
    kube,
    repo,
    github,
    db,
    sns,
    store,
    tableName: table,
    deps,
    settings: full,
    followUps,
    clock,
    shas,
    patches,
    deploy({ state, attempted, applied, failed = true }) {
      const objects = app('web', { state, health: false });
      const ks = kustomization(objects, { failed });
      const status = ks.status as Record<string, unknown>;
      status.lastAttemptedRevision = `main@sha1:${attempted}`;
      status.lastAppliedRevision = `main@sha1:${applied ?? (failed ? shas[0] : attempted)}`;
      (ks.spec as Record<string, unknown>).path = `./${APP_PATH}`;
      const source = gitRepository();
      (source.spec as Record<string, unknown>).url = REPO_URL;
      kube.put(...objects, ks, source);
    },
    flux({
      reason,
      severity,
      revision,
      kind = 'Kustomization',
      name = 'apps',
      namespace = 'flux-system',
      ...rest
    }) {
      const raw = FluxEventSchema.parse({
        involvedObject: { kind, namespace, name, apiVersion: 'kustomize.toolkit.fluxcd.io/v1', uid: 'u-1' },
        severity,
        timestamp: clock.now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        message: `${reason} for ${kind}/${namespace}/${name}`,
        reason,
        reportingController: kind === 'HelmRelease' ? 'helm-controller' : 'kustomize-controller',
        reportingInstance: 'controller-1',
        metadata: { cluster: 'prod', ...(revision ? { revision } : {}) },
        ...rest,
      });
      const event = normalizeFluxEvent(raw);
      return {
        source: 'flux',
        message: buildFluxQueueMessage({
          id: bodyDigest(Buffer.from(JSON.stringify(raw))),
          receivedAt: clock.now,
          classification: classify(event),
          event,
          raw,
        }),
      };
    },
    run(input, messageId) {
      messages += 1;
      return processIncident(input, { messageId: messageId ?? `m-${messages}` }, deps);
    },
    alerts() {
      return sns.messages.map((m) => alertFromNotification(m.message));
    },
    async commitsAfter(sha) {
      const out = await repo.git(['log', '--format=%H %s', `${sha}..main`]);
      return out.split('\n').filter((l) => l !== '');
    },
    async close() {
      await Promise.all([github.stop(), kube.close(), db.close(), sns.close()]);
      await repo.remove();
    },
  };
  return w;
}

/** A HelmRelease `shop/podinfo` applied by Kustomization flux-system/apps, its upgrade to `chartVersion` failed. */
export function helmReleaseApplied(chartVersion: string): KubeObject {
  return helmRelease('podinfo', 'shop', 'shop', chartVersion, {
    state: 'upgrade-failed',
    appliedBy: { namespace: 'flux-system', name: 'apps' },
  });
}

/** Runs a scenario step and throws at `step` (an injected crash). */
export function crashAt(step: PipelineStep): (reached: PipelineStep) => void {
  return (reached) => {
    if (reached === step) throw new InjectedCrash(`injected crash after ${step}`);
  };
}
