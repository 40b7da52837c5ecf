/**
 * The guard as it runs in AWS, in this process, for a {@link LoadWorld}: the flux-webhook handler
 * behind a real HTTP server (the one `fluxguard webhook serve` and the simulation use) sending to
 * the in-process SQS FIFO queue (deduplication, one message at a time per group, redelivery after
 * the visibility timeout, dead-letter queue after three receives), the follow-up queue, and a pool
 * of worker "containers" (each with its own GitHub session) that caps how many messages are in
 * flight at once across groups. Flux's reaction to the guard's reconcile request is played too:
 * the Kustomization applies the branch head and its app becomes healthy when the revert restored
 * its path (else it keeps failing), and Flux posts the events of that reconcile.
 *
 * Queue delays (visibility timeout, follow-up delay) run on a {@link StoryClock} `scale` times
 * faster than the wall clock; the worker's own clock is the wall clock.
 *
 * @module
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { startWebhookServer, type WebhookServer } from '../../../cli/local-webhook-server.js';
import {
  type FollowUpScheduler,
  type IncidentDeps,
  type IncidentOutcome,
  processIncident,
  REQUESTED_AT_ANNOTATION,
} from '../../../lambdas/incident-response/index.js';
import { parseIncidentInput } from '../../../lambdas/incidents/index.js';
import { DEFAULT_MAX_BODY_BYTES, StaticKeys } from '../../../lambdas/webhook/index.js';
import {
  type FluxEventBody,
  InProcessDelayQueue,
  InProcessFifoQueue,
  ProviderNotifier,
  StoryClock,
} from '../../../sandbox/index.js';
import { fluxRevision, LOAD_CLUSTER, type LoadObject, type LoadWorld } from './load-world.js';

const HMAC_TOKEN = 'load-webhook-hmac-token';
/** How often Flux reconciles one Kustomization for the guard before the load gives up on it. */
const MAX_REACTIONS = 3;

/** Options of {@link startLoadGuard}. */
export interface LoadGuardOptions {
  /** Worker containers: the most messages handled at once. */
  containers: number;
  /** Story milliseconds per wall millisecond for the queues' delays. */
  scale: number;
  /** Messages handled on their first receive and then received again (their delete was lost). */
  redeliver?: (messageId: string) => boolean;
  /** Wall milliseconds Flux takes to act on a reconcile request. */
  reconcileDelayMs?: number;
}

/** One message the worker handled (or threw on). */
export interface Handled {
  queue: 'fifo' | 'follow-up';
  messageId: string;
  receive: number;
  outcome?: IncidentOutcome;
  error?: string;
}

/** The running guard. */
export interface LoadGuard {
  fifo: InProcessFifoQueue;
  followUps: InProcessDelayQueue;
  /** Every receive, in the order they finished. */
  handled: Handled[];
  /** HTTP statuses the webhook answered, in order. */
  statuses: number[];
  /** The most messages handled at the same moment. */
  maxInFlight: number;
  /** Messages received again after being handled (injected). */
  redelivered: number;
  /** Flux's reconciles for the guard, by Kustomization name, with the state they left. */
  reconciles: Array<{ name: string; revision: string; restored: boolean }>;
  /** Posts events as notification-controller does (signed, retried on 5xx), `connections` at a time, in the given order. */
  post(events: readonly FluxEventBody[], connections?: number): Promise<void>;
  /** Resolves when nothing is queued, in flight, scheduled or being reconciled; rejects after `limitMs`. */
  settle(limitMs: number): Promise<void>;
  /** Messages accepted but neither handled to the end nor dead-lettered. */
  outstanding(): { fifo: number; followUps: number; reconciles: number };
  close(): Promise<void>;
}

/** A fixed set of containers; a message waits for a free one. */
class ContainerPool {
  readonly #free: IncidentDeps[];
  readonly #waiting: Array<(deps: IncidentDeps) => void> = [];

  constructor(containers: IncidentDeps[]) {
    this.#free = [...containers];
  }

  async acquire(): Promise<IncidentDeps> {
    const free = this.#free.pop();
    if (free) return free;
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  release(deps: IncidentDeps): void {
    const next = this.#waiting.shift();
    if (next) next(deps);
    else this.#free.push(deps);
  }
}

/** Starts the webhook server, the queues, the worker containers and Flux's reaction. */
export async function startLoadGuard(world: LoadWorld, options: LoadGuardOptions): Promise<LoadGuard> {
  const clock = new StoryClock(options.scale);
  const handled: Handled[] = [];
  const statuses: number[] = [];
  const receives = new Map<string, number>();
  const finished = { fifo: new Set<string>(), followUps: new Set<string>() };
  const reconciles: LoadGuard['reconciles'] = [];
  const reacting = new Set<Promise<void>>();
  let inFlight = 0;
  let pool: ContainerPool | undefined;
  const guard = {
    handled,
    statuses,
    maxInFlight: 0,
    redelivered: 0,
    reconciles,
  } as LoadGuard;

  const consumer =
    (queue: Handled['queue']) =>
    async (body: string, messageId: string): Promise<void> => {
      const receive = (receives.get(messageId) ?? 0) + 1;
      receives.set(messageId, receive);
      const input = parseIncidentInput(body);
      const deps = await (pool as ContainerPool).acquire();
      inFlight += 1;
      guard.maxInFlight = Math.max(guard.maxInFlight, inFlight);
      let outcome: IncidentOutcome;
      try {
        outcome = await processIncident(input, { messageId }, deps);
      } catch (error) {
        handled.push({ queue, messageId, receive, error: (error as Error).message });
        throw error;
      } finally {
        inFlight -= 1;
        pool?.release(deps);
      }
      handled.push({ queue, messageId, receive, outcome });
      if (receive === 1 && options.redeliver?.(messageId)) {
        guard.redelivered += 1;
        throw new Error('injected: handled, but the delete was lost; received again');
      }
      (queue === 'fifo' ? finished.fifo : finished.followUps).add(messageId);
    };
  const fifo = new InProcessFifoQueue(clock, consumer('fifo'));
  const followUps = new InProcessDelayQueue(clock, consumer('follow-up'));
  const scheduler: FollowUpScheduler = {
    async schedule(message, delaySeconds) {
      followUps.send(JSON.stringify(message), delaySeconds);
    },
  };
  pool = new ContainerPool(Array.from({ length: options.containers }, () => world.containerDeps(scheduler)));

  const webhook: WebhookServer = await startWebhookServer({
    host: '127.0.0.1',
    port: 0,
    deps: {
      keys: new StaticKeys([HMAC_TOKEN]),
      queue: fifo,
      maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
      clusterName: LOAD_CLUSTER,
    },
    logger: new Logger({ serviceName: 'flux-webhook', logLevel: 'SILENT' }),
    log: (line) => {
      const status = Number(/^\S+ \S+ (\d{3})/.exec(line)?.[1] ?? 0);
      statuses.push(status);
    },
  });
  const notifier = new ProviderNotifier({ address: webhook.url, token: HMAC_TOKEN, clock });

  async function post(events: readonly FluxEventBody[], connections = 8): Promise<void> {
    let next = 0;
    const lane = async () => {
      while (next < events.length) {
        const event = events[next] as FluxEventBody;
        next += 1;
        await notifier.post(event);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, connections) }, lane));
  }

  // Flux: a reconcile request on a Kustomization applies the branch head (once at a time).
  const pending = new Set<string>();
  const reactionsOf = new Map<string, number>();
  const react = async (object: LoadObject): Promise<void> => {
    await new Promise((resolve) => setTimeout(resolve, options.reconcileDelayMs ?? 100));
    const head = await world.repo.revParse(`refs/heads/${object.branch}`);
    const restored = (await world.repo.diffNames(world.good, head, [object.path])).length === 0;
    const revision = fluxRevision(head);
    const healthy = restored || object.behaviour !== 'failing';
    world.apply(object, revision, healthy ? 'healthy' : 'crashloop');
    reconciles.push({ name: object.name, revision, restored });
    const at = new Date();
    await post(
      [
        world.event(object, 'Progressing', revision, at),
        world.event(object, healthy ? 'ReconciliationSucceeded' : 'HealthCheckFailed', revision, at),
      ],
      1,
    );
  };
  const unsubscribe = world.kube.onWrite((event) => {
    if (event.via !== 'PATCH' || event.object.kind !== 'Kustomization') return;
    const annotations = (event.object.metadata.annotations ?? {}) as Record<string, string>;
    if (!annotations[REQUESTED_AT_ANNOTATION]) return;
    const object = world.objects.find((o) => o.name === event.object.metadata.name);
    if (!object || pending.has(object.name)) return;
    const count = (reactionsOf.get(object.name) ?? 0) + 1;
    if (count > MAX_REACTIONS) return;
    reactionsOf.set(object.name, count);
    pending.add(object.name);
    const work = react(object).finally(() => pending.delete(object.name));
    reacting.add(work);
    void work.finally(() => reacting.delete(work));
  });

  const outstanding = () => ({
    fifo: fifo.sent.length - finished.fifo.size - fifo.deadLetters.length,
    followUps: followUps.scheduled - finished.followUps.size - followUps.deadLetters.length,
    reconciles: pending.size,
  });
  const quiet = () => {
    const o = outstanding();
    return o.fifo === 0 && o.followUps === 0 && o.reconciles === 0;
  };

  return Object.assign(guard, {
    fifo,
    followUps,
    post,
    outstanding,
    async settle(limitMs: number) {
      const deadline = performance.now() + limitMs;
      for (;;) {
        await Promise.all([fifo.idle(), followUps.idle(), ...reacting]);
        if (quiet()) {
          // A reconcile or a follow-up may be just about to start: quiet twice in a row.
          await new Promise((resolve) => setTimeout(resolve, 50));
          if (quiet()) return;
        }
        if (performance.now() > deadline) {
          throw new Error(`the load did not settle in ${limitMs} ms: ${JSON.stringify(outstanding())}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async close() {
      unsubscribe();
      clock.stop();
      await Promise.allSettled([fifo.idle(), followUps.idle(), ...reacting]);
      await webhook.close();
    },
  });
}
