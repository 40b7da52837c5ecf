/**
 * The whole loop on one machine: the GitHub stand-in over a real git repository seeded with this
 * project's `gitops/` tree, the Kubernetes API stand-in with the Flux-and-kubelet simulator, the
 * flux-webhook handler behind a real HTTP server, the incident worker's pipeline fed by in-process
 * FIFO and follow-up queues, state in dynalite (real DynamoDB conditional writes), and the alert
 * topic captured. Everything listens on 127.0.0.1; nothing needs AWS, a cluster or GitHub.
 *
 * @module
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { SNSClient } from '@aws-sdk/client-sns';
import { startWebhookServer, type WebhookServer } from '../../cli/local-webhook-server.js';
import { type Alert, alertFromNotification } from '../../lambdas/alerts/index.js';
import { DEFAULT_CHECKS, endpointFromKubeConfig, KubeReader } from '../../lambdas/cluster/index.js';
import {
  AlarmTargets,
  DEFAULT_SETTINGS,
  DynamoDbStateStore,
  GitHubSession,
  type IncidentDeps,
  type IncidentOutcome,
  type IncidentSettings,
  KubeClient,
  KubeClusterGateway,
  processIncident,
  SnsAlertPublisher,
} from '../../lambdas/incident-response/index.js';
import { parseIncidentInput } from '../../lambdas/incidents/index.js';
import { WritePacer } from '../../lambdas/revert/index.js';
import { createWebhookDeps, DEFAULT_MAX_BODY_BYTES } from '../../lambdas/webhook/index.js';
import { type LocalDynamoDb, startLocalDynamoDb } from '../aws/dynamodb.js';
import { type CapturedSns, startCapturedSns } from '../aws/sns.js';
import { StoryClock } from '../flux/clock.js';
import { FluxSimulator, type SimulatorEvent, simulatedKustomization } from '../flux/flux-simulator.js';
import { ImageAutomation } from '../flux/image-automation.js';
import { buildKustomization, kustomizationFiles } from '../flux/manifests.js';
import { seedRepository } from '../flux/seed.js';
import type { ImageBehaviour } from '../flux/workloads.js';
import { FakeGitHub } from '../github/fake-github.js';
import { GitRepo } from '../github/git-repo.js';
import { FakeKubeApi, type KubeObject } from '../kube-api/fake-kube-api.js';
import { InProcessDelayQueue, InProcessFifoQueue } from './queues.js';
import { clockText, Timeline, type TimelineStep } from './timeline.js';

/** The cluster the simulation plays: names as the platform's production stage would give them. */
export const SIMULATED_CLUSTER = {
  name: 'fluxguard-production-eu-central-1',
  environment: 'production',
  region: 'eu-central-1',
} as const;
const HMAC_TOKEN = 'simulation-webhook-hmac-token';
const GITHUB_TOKEN = 'simulation-github-token';
const ALERTMANAGER_TOKEN = 'simulation-alertmanager-token';
const TOPIC_ARN = 'arn:aws:sns:eu-central-1:000000000000:fluxguard-alerts';
const POLICY_FILE = 'gitops/apps/base/image-automation/imagepolicy.yaml';

/** A story's checks: each names something that must have happened (or must not have). */
export interface StoryCheck {
  name: string;
  holds(run: SimulationRun): boolean | Promise<boolean>;
}

/** One story the simulation can play. */
export interface Story {
  name: string;
  summary: string;
  /** How the pods of each image tag behave (tags not listed start and become ready). */
  images: Record<string, ImageBehaviour>;
  /** The worker's settings for this story (the defaults otherwise). */
  settings?: Partial<IncidentSettings>;
  /**
   * The Kustomizations of `gitops/clusters/production/` Flux reconciles in this story (default
   * `apps`; `infrastructure-controllers` brings the HelmReleases and helm-controller in).
   */
  kustomizations?: string[];
  /** Drives the world: commits, faults, waits. */
  play(world: SimulationWorld): Promise<void>;
  checks: StoryCheck[];
}

/** What a story's plot can touch. */
export interface SimulationWorld {
  clock: StoryClock;
  timeline: Timeline;
  repo: GitRepo;
  kube: FakeKubeApi;
  github: FakeGitHub;
  flux: FluxSimulator;
  /** One image automation pass offering `tags`; requests a reconcile when it pushed (as GitHub's push webhook to Flux's Receiver would). */
  imageUpdate(tags: readonly string[]): Promise<string | undefined>;
  /**
   * A person's commit to `main` (each file's new text, by path) and its push; requests a reconcile
   * as GitHub's push webhook to Flux's Receiver would. Returns the commit's SHA.
   */
  push(
    message: string,
    files: Record<string, string>,
    author: { name: string; email: string },
  ): Promise<string>;
  /** POSTs an Alertmanager webhook payload (version 4) to the webhook's `/alertmanager` route with its bearer token. */
  alertmanager(payload: unknown): Promise<number>;
  /** Waits (in story time) until a step of `kind` with `data` is on the timeline after `since`. */
  waitFor(
    kind: TimelineStep['kind'],
    data?: TimelineStep['data'],
    options?: { limitMs?: number; since?: number },
  ): Promise<TimelineStep>;
}

/** Everything a finished run produced. */
export interface SimulationRun {
  story: string;
  timeline: Timeline;
  alerts: Alert[];
  /** `git log --oneline` of the branch, newest first. */
  gitLog: string[];
  /** Files at the branch head, for the checks that read them. */
  fileAtHead(path: string): Promise<string>;
  /** A file at a commit. */
  fileAt(sha: string, path: string): Promise<string>;
  /** The paths a commit changed (added, modified or deleted), against its first parent. */
  changedFiles(sha: string): Promise<string[]>;
  /** The paths a Kustomization with `spec.path` = `path` reads at a commit (bases included). */
  buildFiles(path: string, sha: string): Promise<Set<string>>;
  /** Pull requests opened, as `#n title (head)`. */
  pullRequests: string[];
  outcomes: IncidentOutcome[];
  webhookStatuses: number[];
  deadLetters: number;
  /** The checks that failed, and the invariants every story keeps that did not hold. */
  problems: string[];
  wallMs: number;
}

/** Options of {@link runStory}. */
export interface SimulationOptions {
  /** The repository root whose `gitops/` seeds the GitHub stand-in. */
  root: string;
  /** Story milliseconds per wall millisecond (1 = real time). */
  scale?: number;
  /** Called for each step as it happens. */
  onStep?: (step: TimelineStep) => void;
  /** Story time after which the run is abandoned. */
  limitMs?: number;
}

/** The invariants every story keeps, whatever its plot. */
export function invariantProblems(run: Omit<SimulationRun, 'problems'>): string[] {
  const problems: string[] = [];
  const serverErrors = run.webhookStatuses.filter((s) => s >= 500);
  if (serverErrors.length > 0) problems.push(`the webhook answered ${serverErrors.join(', ')}`);
  if (run.deadLetters > 0) problems.push(`${run.deadLetters} message(s) went to a dead-letter queue`);
  for (const step of run.timeline.find('worker-failed')) problems.push(`the worker failed: ${step.text}`);
  const reverted = run.timeline.find('revert-pushed').map((s) => String(s.data.failing));
  const twice = reverted.filter((sha, i) => reverted.indexOf(sha) !== i);
  if (twice.length > 0) problems.push(`reverted more than once: ${[...new Set(twice)].join(', ')}`);
  const lastState = new Map<string, string>();
  for (const alert of run.alerts) {
    if (lastState.get(alert.incidentId) === alert.state) {
      problems.push(`alert state "${alert.state}" repeated for ${alert.incidentId}`);
    }
    lastState.set(alert.incidentId, alert.state);
  }
  return problems;
}

function describeFluxEvent(event: SimulatorEvent, timeline: Timeline): void {
  const short = (revision: string) => revision.replace(/^(.*@sha1:)?([0-9a-f]{7})[0-9a-f]*$/, '$2');
  switch (event.type) {
    case 'reconcile-requested':
      timeline.add(
        'flux',
        'reconcile-requested',
        `${event.kind}/${event.name}: reconcile requested (requestedAt)`,
        { kind: event.kind, name: event.name },
      );
      break;
    case 'artifact':
      timeline.add(
        'flux',
        'artifact',
        `source-controller fetched ${short(event.revision)} "${event.subject}"`,
        {
          revision: event.revision,
        },
      );
      break;
    case 'applied':
      timeline.add('flux', 'applied', `applied ${short(event.revision)}: ${event.changeset.join(', ')}`, {
        revision: event.revision,
      });
      break;
    case 'healthy':
      timeline.add(
        'flux',
        'healthy',
        `${event.kustomization} healthy at ${short(event.revision)} (health check passed after ${Math.round(event.afterMs / 1000)} s)`,
        { revision: event.revision, kustomization: event.kustomization },
      );
      break;
    case 'health-check-failed':
      timeline.add(
        'flux',
        'health-check-failed',
        `HealthCheckFailed at ${short(event.revision)}: ${event.message}`,
        {
          revision: event.revision,
        },
      );
      break;
    case 'health-check-canceled':
      timeline.add(
        'flux',
        'health-check-canceled',
        `health check of ${short(event.revision)} canceled by a new revision`,
        {
          revision: event.revision,
        },
      );
      break;
    case 'build-failed':
      timeline.add('flux', 'note', `BuildFailed at ${short(event.revision)}: ${event.message}`, {
        revision: event.revision,
      });
      break;
    case 'event-posted': {
      const { event: body, statuses } = event.delivery;
      timeline.add(
        'webhook',
        'event-posted',
        `${body.reason} (${body.severity}) → HTTP ${statuses.join(', ')} ${event.delivery.answer.slice(0, 60)}`,
        {
          reason: body.reason,
          status: statuses[statuses.length - 1],
          revision: body.metadata?.revision,
          kind: body.involvedObject.kind,
        },
      );
      break;
    }
    case 'helm': {
      const verb = event.outcome === 'started' ? 'started' : event.outcome;
      const what =
        event.action === 'in-sync'
          ? `in sync with its spec at ${event.chartVersion} (no Helm action)`
          : event.action === 'stalled'
            ? `stalled: ${event.message ?? ''}`
            : `${event.action} to ${event.chartVersion}${event.version ? ` (.v${event.version})` : ''} ${verb}`;
      timeline.add('flux', 'helm-action', `HelmRelease/${event.release}: ${what}`, {
        release: event.release,
        action: event.action,
        outcome: event.outcome,
        chartVersion: event.chartVersion,
        generation: event.generation,
      });
      break;
    }
  }
}

/**
 * Plays one story and returns its run: the timeline, the alerts, the branch's log and whether
 * every expected step happened and nothing unexpected did.
 *
 * @example
 * ```ts
 * const run = await runStory(stories['image-crashloop'], { root: process.cwd(), scale: 60 });
 * if (run.problems.length === 0) console.log(run.timeline.render().join('\n'));
 * ```
 */
export async function runStory(story: Story, options: SimulationOptions): Promise<SimulationRun> {
  const started = performance.now();
  const clock = new StoryClock(options.scale ?? 1);
  const timeline = new Timeline(() => clock.elapsedMs());
  if (options.onStep) timeline.onStep(options.onStep);
  const settings: IncidentSettings = {
    ...DEFAULT_SETTINGS,
    cluster: SIMULATED_CLUSTER.name,
    environment: SIMULATED_CLUSTER.environment,
    // Early detection checks every 20 s of the bake window; 3 checks 10 s apart confirm.
    followUpSeconds: 20,
    ...story.settings,
  };

  const repo = await GitRepo.create();
  let github: FakeGitHub | undefined;
  let kube: FakeKubeApi | undefined;
  let db: LocalDynamoDb | undefined;
  let sns: CapturedSns | undefined;
  let webhook: WebhookServer | undefined;
  let flux: FluxSimulator | undefined;
  let kubeClient: KubeClient | undefined;
  const outcomes: IncidentOutcome[] = [];
  const alerts: Alert[] = [];
  const webhookStatuses: number[] = [];
  let fifo: InProcessFifoQueue | undefined;
  let followUps: InProcessDelayQueue | undefined;
  try {
    const good = await seedRepository(repo, options.root);
    timeline.add('git', 'seeded', `main at ${good.slice(0, 7)}: this repository's gitops/ tree`, {
      sha: good,
    });
    [github, kube, db, sns] = await Promise.all([
      new FakeGitHub({ repo, owner: 'acme', name: 'gitops', tokens: [GITHUB_TOKEN] }).start(),
      new FakeKubeApi().start(),
      startLocalDynamoDb(),
      startCapturedSns(),
    ]);
    const table = 'fluxguard-state';
    await db.createStateTable(table);
    const endpoint = await endpointFromKubeConfig(kube.kubeConfig());
    kubeClient = new KubeClient(endpoint);
    const session = new GitHubSession({
      apiUrl: github.url,
      credentials: async () => ({ key: 'simulation', credentials: { kind: 'token', token: GITHUB_TOKEN } }),
      tuning: { waitUnitMs: 1, pacer: new WritePacer({ burst: 1000 }) },
    });
    const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
    const capturedSns = sns;
    let published = 0;
    const gateway = new KubeClusterGateway(kubeClient, new KubeReader({ endpoint }), {
      sleep: (ms: number) => clock.sleep(ms),
    });
    // A failing validation is on the timeline with the time its first check began, so detection
    // (until that check) and confirmation (the rest of the window) can be told apart.
    const cluster: IncidentDeps['cluster'] = {
      readObject: (ref) => gateway.readObject(ref),
      revertTarget: (live) => gateway.revertTarget(live),
      requestReconcile: (objects, at) => gateway.requestReconcile(objects, at),
      suspendImageUpdateAutomation: (namespace, name) =>
        gateway.suspendImageUpdateAutomation(namespace, name),
      imageUpdateAutomations: (namespace) => gateway.imageUpdateAutomations(namespace),
      async validate(request) {
        const startedAtMs = clock.elapsedMs();
        const report = await gateway.validate(request);
        if (report.verdict === 'fail') {
          timeline.add(
            'worker',
            'validation-failed',
            `validation failed ${request.checks ?? DEFAULT_CHECKS} of ${request.checks ?? DEFAULT_CHECKS} checks from ${clockText(startedAtMs)}: ${report.reason}`,
            {
              revision: request.revision,
              startedAtMs,
              checks: request.checks,
              definitive: report.definitiveFailure,
            },
          );
        }
        return report;
      },
    };
    const deps: IncidentDeps = {
      settings,
      state: new DynamoDbStateStore({ client: db.client, tableName: table }),
      cluster,
      git: (url) => session.gateway(url),
      alerts: new SnsAlertPublisher(
        new SNSClient({ endpoint: sns.url, region: SIMULATED_CLUSTER.region, credentials }),
        TOPIC_ARN,
      ),
      followUps: {
        async schedule(message, delaySeconds) {
          followUps?.send(JSON.stringify(message), delaySeconds);
        },
      },
      alarms: new AlarmTargets({ tags: async () => ({}) }, { defaultCluster: SIMULATED_CLUSTER.name }),
      now: () => clock.now(),
      sleep: (ms: number) => clock.sleep(ms),
    };
    const consume = async (body: string, messageId: string) => {
      const input = parseIncidentInput(body);
      const failing =
        input.source === 'flux'
          ? input.message.event.revision?.raw
          : input.source === 'follow-up'
            ? input.followUp.revision
            : undefined;
      const outcome = await processIncident(
        input,
        { messageId },
        {
          ...deps,
          // The steps as they happen, so the timeline puts the push before what it caused.
          checkpoint: async (step) => {
            if (step === 'ledger-pending') {
              timeline.add('worker', 'revert-started', 'revert decided: ledger pending, pushing', {
                failing,
              });
            }
            if (step !== 'reverted') return;
            const head = await repo.revParse('refs/heads/main');
            // The revert names what it reverts in its trailer, whatever the trigger was.
            const body = await repo.git(['log', '-1', '--format=%B', head]);
            const of = /^Fluxguard-Revert-Of: ([0-9a-f]{40})$/m.exec(body)?.[1];
            timeline.add('worker', 'revert-pushed', `pushed revert ${head.slice(0, 7)} to main`, {
              commit: head,
              failing: of ? `main@sha1:${of}` : failing,
            });
          },
        },
      ).catch((error: unknown) => {
        // Thrown back to its queue (a busy object, a failed write): delivered again or dead-lettered.
        timeline.add('worker', 'note', `${messageId} back to its queue: ${(error as Error).message}`, {
          step: 'retry',
        });
        throw error;
      });
      outcomes.push(outcome);
      recordOutcome(outcome, timeline);
      for (; published < capturedSns.messages.length; published += 1) {
        const alert = alertFromNotification(capturedSns.messages[published]?.message ?? '');
        alerts.push(alert);
        timeline.add(
          'alert',
          'alert',
          `[${alert.severity}] ${alert.state}: ${alert.target.kind}/${alert.target.namespace}/${alert.target.name} (thread ${alert.incidentId})`,
          {
            state: alert.state,
            incidentId: alert.incidentId,
          },
        );
      }
    };
    fifo = new InProcessFifoQueue(clock, consume);
    followUps = new InProcessDelayQueue(clock, consume);

    webhook = await startWebhookServer({
      host: '127.0.0.1',
      port: 0,
      deps: {
        ...createWebhookDeps(
          {
            keys: { key: HMAC_TOKEN },
            alertmanagerToken: { token: ALERTMANAGER_TOKEN },
            clusterName: SIMULATED_CLUSTER.name,
            queue: { print: () => undefined },
            maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
          },
          { env: {} },
        ),
        queue: fifo,
      },
      logger: new Logger({ serviceName: 'flux-webhook', logLevel: 'SILENT' }),
      log: (line) => {
        const status = Number(/^\S+ \S+ (\d{3})/.exec(line)?.[1] ?? 0);
        if (status) webhookStatuses.push(status);
      },
    });

    const webhookUrl = webhook.url;
    const variables = {
      cluster_name: SIMULATED_CLUSTER.name,
      environment: SIMULATED_CLUSTER.environment,
      aws_region: SIMULATED_CLUSTER.region,
      fluxguard_webhook_url: webhook.url,
    };
    const sync = await buildKustomization(repo, good, './gitops/clusters/production', variables);
    const kustomizations = (story.kustomizations ?? ['apps']).map((name) => {
      const found = sync.find((o) => o.kind === 'Kustomization' && o.metadata.name === name);
      if (!found) throw new Error(`gitops/clusters/production has no Kustomization ${name}`);
      return simulatedKustomization(found as KubeObject);
    });
    const images = (image: string): ImageBehaviour => story.images[image.split(':').pop() ?? ''] ?? 'ready';
    flux = new FluxSimulator({
      kube,
      repo,
      clock,
      provider: { address: webhook.url, token: HMAC_TOKEN },
      eventMetadata: {
        cluster: SIMULATED_CLUSTER.name,
        env: SIMULATED_CLUSTER.environment,
        region: SIMULATED_CLUSTER.region,
      },
      variables,
      images,
      kustomizations,
      // The guard's revert target: a GitRepository on the same host as the GitHub API it is given.
      source: { url: `https://127.0.0.1/acme/gitops.git`, intervalMs: 60_000 },
      onEvent: (event) => describeFluxEvent(event, timeline),
    });
    const automation = new ImageAutomation({
      repo,
      policyFile: POLICY_FILE,
      policyRef: 'flux-system:sre-challenge-app',
      updatePath: 'gitops/apps/base',
      author: { name: 'fluxcdbot', email: 'fluxcdbot@users.noreply.github.com' },
      automation: 'flux-system/sre-challenge-app',
    });
    // GitHub's push webhook reaches Flux's Receiver, which asks source-controller to fetch now.
    const pushed = () =>
      (kubeClient as KubeClient).mergePatch(
        '/apis/source.toolkit.fluxcd.io/v1/namespaces/flux-system/gitrepositories/flux-system',
        { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': clock.now().toISOString() } } },
      );
    const world: SimulationWorld = {
      clock,
      timeline,
      repo,
      kube,
      github,
      flux,
      async imageUpdate(tags) {
        const pass = await automation.run(tags);
        if (!pass.pushed) {
          timeline.add(
            'git',
            'note',
            `image automation: no change (${pass.reason}${pass.tag ? `, ${pass.tag}` : ''})`,
            {
              tag: pass.tag,
            },
          );
          return undefined;
        }
        timeline.add(
          'git',
          'image-update',
          `image automation pushed ${pass.sha.slice(0, 7)}: ${pass.previous} -> ${pass.tag}`,
          {
            sha: pass.sha,
            tag: pass.tag,
          },
        );
        await pushed();
        return pass.sha;
      },
      async push(message, files, author) {
        const [sha] = await repo.commit('main', [{ message, files, author }]);
        timeline.add(
          'git',
          'push',
          `${author.name} pushed ${String(sha).slice(0, 7)}: ${message.split('\n')[0]}`,
          {
            sha,
            files: Object.keys(files).join(','),
          },
        );
        await pushed();
        return sha as string;
      },
      async alertmanager(payload) {
        const response = await fetch(new URL('alertmanager', webhookUrl), {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${ALERTMANAGER_TOKEN}` },
          body: JSON.stringify(payload),
        });
        const answer = await response.text();
        timeline.add(
          'webhook',
          'event-posted',
          `Alertmanager notification → HTTP ${response.status} ${answer.slice(0, 60)}`,
          {
            reason: 'alertmanager',
            status: response.status,
          },
        );
        return response.status;
      },
      async waitFor(kind, data = {}, { limitMs = 30 * 60_000, since = 0 } = {}) {
        const deadline = clock.elapsedMs() + limitMs;
        for (;;) {
          const found = timeline.find(kind, data).find((s) => s.atMs >= since);
          if (found) return found;
          if (clock.elapsedMs() > deadline) {
            const last = timeline.render().slice(-15).join('\n  ');
            throw new Error(
              `the story waited ${Math.round(limitMs / 1000)} s for ${kind} ${JSON.stringify(data)}; its last steps:\n  ${last}`,
            );
          }
          await new Promise((r) => setTimeout(r, 5));
        }
      },
    };

    await flux.start();
    // A plot that stalls (a wait in vain) or throws still ends in a run: its checks then say
    // what did not happen, and the problem says where the story stopped.
    let stalled: string | undefined;
    try {
      await story.play(world);
    } catch (error) {
      stalled = (error as Error).message;
      timeline.add('story', 'note', `the story stopped: ${stalled.split('\n')[0]}`, { step: 'stalled' });
    }
    await fifo.idle();

    const gitLog = (await repo.git(['log', '--oneline', 'main'])).split('\n').filter((l) => l !== '');
    const partial = {
      story: story.name,
      timeline,
      alerts,
      gitLog,
      fileAtHead: async (path: string) => (await repo.show('refs/heads/main', path)).toString('utf8'),
      fileAt: async (sha: string, path: string) => (await repo.show(sha, path)).toString('utf8'),
      changedFiles: async (sha: string) =>
        (await repo.git(['diff-tree', '--no-commit-id', '--name-only', '-r', sha]))
          .split('\n')
          .filter((line) => line !== ''),
      buildFiles: (path: string, sha: string) => kustomizationFiles(repo, sha, path),
      pullRequests: github.pulls.map((p) => `#${p.number} ${p.title} (${p.head})`),
      outcomes,
      webhookStatuses,
      deadLetters: fifo.deadLetters.length + followUps.deadLetters.length,
      wallMs: performance.now() - started,
    };
    const problems = invariantProblems(partial);
    if (stalled !== undefined) problems.push(`the story stopped: ${stalled}`);
    for (const check of story.checks) {
      let holds = false;
      try {
        holds = await check.holds({ ...partial, problems: [] });
      } catch {
        holds = false;
      }
      if (!holds) problems.push(`expected: ${check.name}`);
    }
    return { ...partial, problems, wallMs: performance.now() - started };
  } finally {
    clock.stop();
    await flux?.stop();
    // Messages being handled finish before their stand-ins close.
    await fifo?.idle().catch(() => undefined);
    await followUps?.idle().catch(() => undefined);
    await Promise.allSettled([
      webhook?.close(),
      github?.stop(),
      kube?.close(),
      db?.close(),
      sns?.close(),
      kubeClient?.close(),
    ]);
    await repo.remove();
  }
}

function recordOutcome(outcome: IncidentOutcome, timeline: Timeline): void {
  const target = outcome.object
    ? `${outcome.object.kind}/${outcome.object.namespace}/${outcome.object.name}`
    : outcome.source;
  const decision = outcome.decision;
  if (outcome.kind === 'failed') {
    timeline.add('worker', 'worker-failed', `${target}: ${outcome.code}`, { code: outcome.code });
    return;
  }
  timeline.add(
    'worker',
    'decision',
    `${outcome.source}${outcome.trigger ? ` ${outcome.trigger}` : ''} → ${decision?.action ?? outcome.kind} (${outcome.code})${outcome.verdict ? `; validation ${outcome.verdict.verdict}: ${outcome.verdict.summary.split('\n')[0]}` : ''}`,
    {
      action: decision?.action,
      reason: outcome.code,
      trigger: outcome.trigger,
      source: outcome.source,
      verdict: outcome.verdict?.verdict,
      revision: outcome.revision,
      incidentId: outcome.incidentId,
      target,
    },
  );
  for (const note of outcome.steps.filter((n) => n.step === 'reapply' || n.step === 'act')) {
    timeline.add('worker', 'note', `${note.step}: ${note.detail}`, { step: note.step });
  }
  for (const action of outcome.actions) {
    // An outcome repeats the incident's earlier actions; each pull request is shown once.
    const seen = timeline
      .find('pull-request')
      .some((s) => s.data.kind === action.kind && s.data.url === (action.url ?? action.label));
    if (seen) continue;
    if (action.kind === 'pull-request' || action.kind === 'reapply-pull-request') {
      timeline.add('worker', 'pull-request', `${action.label}${action.url ? ` ${action.url}` : ''}`, {
        kind: action.kind,
        url: action.url ?? action.label,
      });
    }
  }
}
