/**
 * A world of many Kustomizations for the load test and the worker throughput benchmark: one git
 * repository (the GitHub stand-in) holding one path per Kustomization, the Kubernetes API
 * stand-in holding each Kustomization, its app and the GitRepository they share, dynalite for the
 * state table and a captured SNS topic. Some Kustomizations fail: a commit broke their path and
 * their pods crash-loop at the branch head; the others are healthy at the same head.
 *
 * It builds its own objects instead of extending `test/lambdas/incident-response/support/world.ts`
 * (one app at one path), and composes the worker from the incident-response library only.
 *
 * @module
 */
import { SNSClient } from '@aws-sdk/client-sns';
import { type Alert, alertFromNotification } from '../../../lambdas/alerts/index.js';
import { endpointFromKubeConfig, KubeReader } from '../../../lambdas/cluster/index.js';
import { classify, FluxEventSchema, normalizeFluxEvent } from '../../../lambdas/flux/index.js';
import {
  AlarmTargets,
  DEFAULT_SETTINGS,
  DynamoDbStateStore,
  type FollowUpScheduler,
  GitHubSession,
  type IncidentDeps,
  type IncidentSettings,
  KubeClient,
  KubeClusterGateway,
  SnsAlertPublisher,
} from '../../../lambdas/incident-response/index.js';
import { bodyDigest, buildFluxQueueMessage, type IncidentInput } from '../../../lambdas/incidents/index.js';
import { revertedShas, WritePacer } from '../../../lambdas/revert/index.js';
import {
  type AppState,
  app,
  type CapturedSns,
  type CommitSpec,
  eventBytes,
  FakeGitHub,
  FakeKubeApi,
  type FluxEventBody,
  GitRepo,
  gitRepository,
  kustomization,
  type LocalDynamoDb,
  startCapturedSns,
  startLocalDynamoDb,
} from '../../../sandbox/index.js';

/** The cluster every object and event names. */
export const LOAD_CLUSTER = 'prod';
const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:fluxguard-alerts';
/** The GitRepository's URL: the GitHub stand-in's host, so the worker's host check lets it through. */
const REPO_URL = 'https://127.0.0.1/acme/gitops.git';
const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const POD = { apiVersion: 'v1', kind: 'Pod' };
const REPLICA_SET = { apiVersion: 'apps/v1', kind: 'ReplicaSet' };
const KUSTOMIZATION = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' };

/** How a Kustomization behaves at the branch head. */
export type Behaviour =
  /** A commit broke its path: its pods crash-loop and Flux reports HealthCheckFailed. */
  | 'failing'
  /** Healthy; Flux reports success. */
  | 'healthy'
  /** Healthy, but Flux once reported a HealthCheckFailed it then recovered from (validation passes). */
  | 'flapping';

/** One Kustomization of the world and what it applies. */
export interface LoadObject {
  /** `team-07`: the Kustomization (in flux-system), the app's namespace and its path's last segment. */
  name: string;
  /** The Kustomization `spec.path` without `./`: `apps/team-07`. */
  path: string;
  /** The branch its GitRepository follows. */
  branch: string;
  /** The Deployment it applies (in namespace {@link LoadObject.name}). */
  app: string;
  behaviour: Behaviour;
  /** The commit that broke the path (failing objects only). */
  badCommit?: string;
}

/** Options of {@link loadWorld}. */
export interface LoadWorldOptions {
  kustomizations: number;
  /** How many fail (spread over the list: every n-th). */
  failing: number;
  /** How many healthy ones flap (a HealthCheckFailed Flux recovered from). */
  flapping?: number;
  /** Added to every remote call: GitHub, Kubernetes, DynamoDB, SNS. */
  latencyMs?: number;
  /** Worker settings over the defaults. */
  settings?: Partial<IncidentSettings>;
  /**
   * `shared` (default): every Kustomization reads one GitRepository on `main`, so reverts race for
   * one branch. `own`: each reads its own GitRepository following its own branch (`team-07`) of the
   * same repository, so reverts never race.
   */
  branches?: 'shared' | 'own';
}

/** A revert commit on the branch, read back with git. */
export interface RevertOnBranch {
  sha: string;
  subject: string;
  /** The `Fluxguard-Revert-Of` trailers. */
  revertOf: string[];
  /** The files it changed. */
  files: string[];
}

/** Everything the load runs against. */
export interface LoadWorld {
  repo: GitRepo;
  github: FakeGitHub;
  kube: FakeKubeApi;
  db: LocalDynamoDb;
  sns: CapturedSns;
  settings: IncidentSettings;
  /** The commit every path was healthy at (the last known good of every Kustomization). */
  good: string;
  /** The branch head Flux attempts for every Kustomization when the load starts. */
  head: string;
  objects: LoadObject[];
  /**
   * The worker's dependencies as one Lambda container holds them: its own GitHub session (the
   * session keeps one client and time budget per container) and clients; the state table, the
   * cluster and the topic are shared, as in AWS.
   */
  containerDeps(followUps: FollowUpScheduler): IncidentDeps;
  /** A Flux event for a Kustomization as notification-controller posts it. */
  event(
    object: LoadObject,
    reason: 'Progressing' | 'ReconciliationSucceeded' | 'HealthCheckFailed',
    revision: string,
    at: Date,
  ): FluxEventBody;
  /** Flux applied `revision` to the Kustomization: its status, and its app healthy or failing. */
  apply(object: LoadObject, revision: string, state: AppState): void;
  /** The alerts published, parsed back from the SNS messages, in order. */
  alerts(): Alert[];
  /** The fluxguard revert commits on the branches after {@link LoadWorld.head}, oldest first per branch. */
  revertsOnBranch(): Promise<RevertOnBranch[]>;
  close(): Promise<void>;
}

const pad = (n: number) => String(n).padStart(2, '0');
const revisionOf = (sha: string) => `main@sha1:${sha}`;

function deploymentYaml(object: LoadObject, tag: string): string {
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    `metadata: { name: ${object.app}, namespace: ${object.name} }`,
    'spec:',
    '  template:',
    '    spec:',
    `      containers: [{ name: ${object.app}, image: "ghcr.io/acme/${object.app}:${tag}" }]`,
    '',
  ].join('\n');
}

/** `objects` and which of them fail, the failing ones spread evenly. */
function plan(count: number, failing: number, flapping: number, ownBranch: boolean): LoadObject[] {
  const every = failing > 0 ? Math.floor(count / failing) : count + 1;
  const objects: LoadObject[] = [];
  let flapped = 0;
  for (let i = 0; i < count; i += 1) {
    const name = `team-${pad(i)}`;
    const fails = failing > 0 && i % every === 0 && i / every < failing;
    const flaps = !fails && flapped < flapping && i % every === 1;
    if (flaps) flapped += 1;
    objects.push({
      name,
      path: `apps/${name}`,
      branch: ownBranch ? name : 'main',
      app: `web-${pad(i)}`,
      behaviour: fails ? 'failing' : flaps ? 'flapping' : 'healthy',
    });
  }
  return objects;
}

/** Builds the repository (good layout, one breaking commit per failing path) and starts every stand-in. */
export async function loadWorld(options: LoadWorldOptions): Promise<LoadWorld> {
  const { latencyMs = 0 } = options;
  const ownBranch = options.branches === 'own';
  const objects = plan(options.kustomizations, options.failing, options.flapping ?? 0, ownBranch);
  const repo = await GitRepo.create();
  const initial: CommitSpec = {
    message: 'Initial layout: one path per team',
    files: Object.fromEntries(
      objects.flatMap((o) => [
        [`${o.path}/kustomization.yaml`, 'resources: [deployment.yaml]\n'],
        [`${o.path}/deployment.yaml`, deploymentYaml(o, '1.0.0')],
      ]),
    ),
  };
  const breaking = objects
    .filter((o) => o.behaviour === 'failing')
    .map(
      (o): CommitSpec => ({
        message: `${o.name}: ${o.app} 1.0.1`,
        files: { [`${o.path}/deployment.yaml`]: deploymentYaml(o, '1.0.1') },
      }),
    );
  const shas = await repo.commit('main', [initial, ...breaking]);
  const good = shas[0] as string;
  const head = shas[shas.length - 1] as string;
  objects
    .filter((o) => o.behaviour === 'failing')
    .forEach((o, i) => {
      o.badCommit = shas[i + 1];
    });

  const [github, kube, db, sns] = await Promise.all([
    new FakeGitHub({ repo, owner: 'acme', name: 'gitops', latencyMs }).start(),
    new FakeKubeApi().start(),
    startLocalDynamoDb({ latencyMs }),
    startCapturedSns({ latencyMs }),
  ]);
  kube.delayMs = latencyMs;
  const tableName = `load-${process.pid}-${Date.now()}`;
  await db.createStateTable(tableName);
  const settings: IncidentSettings = {
    ...DEFAULT_SETTINGS,
    cluster: LOAD_CLUSTER,
    environment: 'production',
    ...options.settings,
  };
  const store = new DynamoDbStateStore({ client: db.client, tableName });
  // Every Kustomization was verified healthy at the good commit before the load.
  await Promise.all(
    objects.map((o) =>
      store.putKnownGood(
        { cluster: LOAD_CLUSTER, kind: 'Kustomization', namespace: 'flux-system', name: o.name },
        { revision: revisionOf(good), sha: good, at: new Date(Date.now() - 3_600_000).toISOString() },
      ),
    ),
  );

  for (const branch of new Set(objects.map((o) => o.branch))) {
    if (branch !== 'main') await repo.git(['update-ref', `refs/heads/${branch}`, head]);
    const source = gitRepository(branch === 'main' ? 'flux-system' : branch);
    const spec = source.spec as Record<string, unknown>;
    spec.url = REPO_URL;
    spec.ref = { branch };
    kube.put(source);
  }

  const endpoint = await endpointFromKubeConfig(kube.kubeConfig());
  const clients: Array<{ close(): Promise<void> } | { destroy(): void }> = [];
  const world: LoadWorld = {
    repo,
    github,
    kube,
    db,
    sns,
    settings,
    good,
    head,
    objects,
    containerDeps(followUps) {
      const session = new GitHubSession({
        apiUrl: github.url,
        credentials: async () => ({ key: 'load', credentials: { kind: 'token', token: 'test-token' } }),
        tuning: { waitUnitMs: 1, pacer: new WritePacer({ burst: 1000 }) },
      });
      const kubeClient = new KubeClient(endpoint);
      const snsClient = new SNSClient({ endpoint: sns.url, region: 'us-east-1', credentials: CREDENTIALS });
      clients.push(kubeClient, snsClient);
      return {
        settings,
        state: new DynamoDbStateStore({ client: db.client, tableName }),
        cluster: new KubeClusterGateway(kubeClient, new KubeReader({ endpoint }), {
          sleep: (ms: number) => new Promise((resolve) => setTimeout(resolve, ms)),
        }),
        git: (url) => session.gateway(url),
        alerts: new SnsAlertPublisher(snsClient, TOPIC_ARN),
        followUps,
        alarms: new AlarmTargets({ tags: async () => ({}) }, { defaultCluster: LOAD_CLUSTER }),
      };
    },
    event(object, reason, revision, at) {
      const messages = {
        Progressing: `Deployment/${object.name}/${object.app} configured`,
        ReconciliationSucceeded: `Reconciliation finished in 1.2s, next run in 10m0s`,
        HealthCheckFailed: `health check failed after 5m0.010344102s: timeout waiting for: [Deployment/${object.name}/${object.app} status: 'InProgress']`,
      };
      return {
        involvedObject: {
          kind: 'Kustomization',
          namespace: 'flux-system',
          name: object.name,
          uid: `00000000-0000-4000-a000-0000000000${pad(objects.indexOf(object))}`,
          apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
          resourceVersion: '48213307',
        },
        severity: reason === 'HealthCheckFailed' ? 'error' : 'info',
        timestamp: at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        message: messages[reason],
        reason,
        metadata: { cluster: LOAD_CLUSTER, env: 'production', revision },
        reportingController: 'kustomize-controller',
        reportingInstance: 'kustomize-controller-7c7b47f5f-8bhrp',
      };
    },
    apply(object, revision, state) {
      for (const kind of [POD, REPLICA_SET]) {
        for (const o of kube.objects(kind).filter((x) => x.metadata.namespace === object.name)) {
          kube.remove(kind, object.name, o.metadata.name);
        }
      }
      const owner = {
        'kustomize.toolkit.fluxcd.io/name': object.name,
        'kustomize.toolkit.fluxcd.io/namespace': 'flux-system',
      };
      const objects = app(object.app, { namespace: object.name, state, health: false, owner });
      const failed = state !== 'healthy';
      const ks = kustomization(objects, { name: object.name, failed });
      const status = ks.status as Record<string, unknown>;
      const previous = kube.object(KUSTOMIZATION, 'flux-system', object.name)?.status as
        | Record<string, unknown>
        | undefined;
      status.lastAttemptedRevision = revision;
      status.lastAppliedRevision = failed ? (previous?.lastAppliedRevision ?? revisionOf(good)) : revision;
      status.lastAppliedOriginRevision = status.lastAppliedRevision;
      const spec = ks.spec as Record<string, unknown>;
      spec.path = `./${object.path}`;
      if (object.branch !== 'main') spec.sourceRef = { kind: 'GitRepository', name: object.branch };
      kube.put(...objects, ks);
    },
    alerts() {
      return sns.messages.map((m) => alertFromNotification(m.message));
    },
    async revertsOnBranch() {
      const branches = [...new Set(objects.map((o) => `refs/heads/${o.branch}`))];
      const log = await repo.git([
        'log',
        '--reverse',
        '--format=%H%x1f%s%x1f%B%x1e',
        ...branches,
        `^${head}`,
      ]);
      const reverts: RevertOnBranch[] = [];
      for (const record of log.split('\x1e')) {
        const [sha, subject, body] = record.trim().split('\x1f');
        if (!sha || !body) continue;
        const revertOf = revertedShas(body.trim());
        if (revertOf.length === 0) continue;
        const files = (await repo.git(['diff-tree', '--no-commit-id', '--name-only', '-r', sha]))
          .split('\n')
          .filter((f) => f !== '');
        reverts.push({ sha, subject: subject ?? '', revertOf, files });
      }
      return reverts;
    },
    async close() {
      await Promise.allSettled(clients.map((c) => ('close' in c ? c.close() : Promise.resolve(c.destroy()))));
      await Promise.allSettled([github.stop(), kube.close(), db.close(), sns.close()]);
      await repo.remove();
    },
  };
  for (const o of objects) {
    world.apply(o, revisionOf(head), o.behaviour === 'failing' ? 'crashloop' : 'healthy');
  }
  return world;
}

/**
 * The incident-queue input the webhook makes of a Flux event (the same parse, normalisation,
 * classification and message), for feeding the worker without the HTTP hop.
 */
export function incidentInputOf(event: FluxEventBody): IncidentInput {
  const bytes = eventBytes(event);
  const raw = FluxEventSchema.parse(JSON.parse(bytes.toString('utf8')));
  const normalized = normalizeFluxEvent(raw);
  return {
    source: 'flux',
    message: buildFluxQueueMessage({
      id: bodyDigest(bytes),
      receivedAt: new Date(),
      classification: classify(normalized),
      event: normalized,
      raw,
    }),
  };
}

/** `main@sha1:<sha>`: a commit as Flux names the revision. */
export function fluxRevision(sha: string): string {
  return revisionOf(sha);
}
