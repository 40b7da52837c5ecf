import { readFile } from 'node:fs/promises';
import { ConfigError, optionalEnv, requiredEnv } from '../../lambdas/aws/index.js';
import { classify, FluxEventSchema, normalizeFluxEvent } from '../../lambdas/flux/index.js';
import {
  type AlertPublisher,
  createIncidentDeps,
  DynamoDbStateStore,
  type FollowUpScheduler,
  type IncidentOutcome,
  type IncidentSettings,
  type IncidentWiring,
  processIncident,
  readIncidentSettings,
} from '../../lambdas/incident-response/index.js';
import {
  AlertmanagerPayloadSchema,
  bodyDigest,
  buildFluxQueueMessage,
  type IncidentInput,
  isAlertmanagerPayload,
  parseIncidentInput,
  translateAlertmanagerPayload,
  UnparseableMessageError,
} from '../../lambdas/incidents/index.js';
import {
  type Command,
  type CommandIO,
  ExitCode,
  integerOption,
  stringOption,
  UsageError,
} from '../command.js';
import { unavailableReason } from '../unavailable.js';

/**
 * The state table the worker commands use: `STATE_TABLE_NAME`, at the endpoint the SDK resolves
 * (`AWS_ENDPOINT_URL` for DynamoDB Local or dynalite).
 */
export async function stateStoreFromEnvironment(env: NodeJS.ProcessEnv): Promise<DynamoDbStateStore> {
  const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  return new DynamoDbStateStore({
    client: new DynamoDBClient({}),
    tableName: requiredEnv(env, 'STATE_TABLE_NAME'),
  });
}

/**
 * An Alertmanager webhook payload as the webhook would queue it: it must name exactly one Flux
 * object, else a usage error says why not (a heartbeat, no fluxguard alert, several objects).
 */
function alertmanagerReplayInput(value: unknown, env: NodeJS.ProcessEnv, now: Date): IncidentInput {
  const parsed = AlertmanagerPayloadSchema.safeParse(value);
  if (!parsed.success)
    throw new UsageError('the event file looks like an Alertmanager payload but does not match version 4');
  const { entries, skipped } = translateAlertmanagerPayload(parsed.data, {
    receivedAt: now,
    defaultCluster: optionalEnv(env, 'CLUSTER_NAME'),
  });
  const [entry, ...more] = entries;
  if (entry && more.length === 0) return { source: 'alertmanager', alertmanager: entry.message };
  if (!entry) {
    const reasons = [...new Set(skipped.map((s) => s.reason))].join(', ');
    throw new UsageError(`the Alertmanager payload makes no incident (${reasons})`);
  }
  throw new UsageError(
    `the Alertmanager payload names ${entries.length} objects (${entries.map((e) => e.groupId).join(', ')}): replay one at a time`,
  );
}

/**
 * An event file as the worker's input: a Flux event body as Flux posts it, a queue message, an
 * EventBridge alarm, or an Alertmanager webhook payload.
 */
export function replayInput(bytes: Buffer, env: NodeJS.ProcessEnv, now: Date): IncidentInput {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new UsageError('the event file is not JSON');
  }
  if (typeof value === 'object' && value !== null && 'involvedObject' in value) {
    const parsed = FluxEventSchema.safeParse(value);
    if (!parsed.success)
      throw new UsageError('the event file looks like a Flux event but does not match its schema');
    const cluster = optionalEnv(env, 'CLUSTER_NAME');
    const event = normalizeFluxEvent(parsed.data, cluster ? { defaultCluster: cluster } : {});
    return {
      source: 'flux',
      message: buildFluxQueueMessage({
        id: bodyDigest(bytes),
        receivedAt: now,
        classification: classify(event),
        event,
        raw: parsed.data,
      }),
    };
  }
  if (isAlertmanagerPayload(value)) return alertmanagerReplayInput(value, env, now);
  try {
    return parseIncidentInput(value);
  } catch (error) {
    if (error instanceof UnparseableMessageError) throw new UsageError(error.message);
    throw error;
  }
}

/** An action the pipeline attempted that failed, as `fluxguard replay` reports it. */
export interface ReplayFailedAction {
  /**
   * `revert` (or the decision's action when the revert or pull request threw), else the kind of an
   * action whose failure the pipeline absorbed: `reconcile`, `suspend-image-update-automation`,
   * `reapply-pull-request` (see `IncidentOutcome.failedActions`).
   */
  kind: string;
  reason: string;
}

/** Revert engine answers that pushed nothing: the revert was refused, timed out or found nothing to undo. */
const REVERT_NOT_PUSHED: ReadonlySet<string> = new Set(['refused', 'timed-out', 'nothing-to-revert']);

/**
 * The actions of one run that failed, all read from the outcome: the revert or pull request that
 * threw (`kind: 'failed'`), a revert engine answer that pushed nothing (with its refusal code), and
 * the actions whose failure the pipeline absorbed (`failedActions`).
 */
export function failedActions(outcome: IncidentOutcome): ReplayFailedAction[] {
  const failed: ReplayFailedAction[] = [];
  if (outcome.kind === 'failed') {
    const error = outcome.error;
    failed.push({
      kind: outcome.decision?.action ?? 'act',
      reason: error instanceof Error ? error.message : String(error ?? outcome.code),
    });
  }
  const revert = outcome.revert;
  if (revert && REVERT_NOT_PUSHED.has(revert.outcome)) {
    const code = revert.refusal ? ` (${revert.refusal})` : '';
    failed.push({ kind: 'revert', reason: `${revert.outcome}${code}: ${revert.reason}` });
  }
  return [...failed, ...outcome.failedActions];
}

/**
 * `fluxguard replay`'s exit code for a pipeline that completed: 1 when an action it attempted
 * failed (see {@link failedActions}), else 0 whatever it decided.
 */
export function replayExitCode(outcome: IncidentOutcome): number {
  return failedActions(outcome).length > 0 ? ExitCode.failed : ExitCode.ok;
}

/** The report of one replay, step by step. */
export function formatOutcome(outcome: IncidentOutcome): string {
  const lines = outcome.steps.map((s) => `${s.step.padEnd(10)} ${s.detail}`);
  for (const action of outcome.actions)
    lines.push(`${'action'.padEnd(10)} ${action.label}${action.url ? ` ${action.url}` : ''}`);
  for (const failure of failedActions(outcome))
    lines.push(`${'failed'.padEnd(10)} ${failure.kind}: ${failure.reason}`);
  lines.push(
    `${'outcome'.padEnd(10)} ${outcome.kind} (${outcome.code})${outcome.incidentId ? ` incident ${outcome.incidentId}` : ''}`,
  );
  return lines.join('\n');
}

/** What `fluxguard replay` composes; tests and the simulation may pass their own publishers. */
export interface ReplayCommandDeps {
  compose?: typeof createIncidentDeps;
}

function printingPublishers(io: CommandIO): { alerts: AlertPublisher; followUps: FollowUpScheduler } {
  return {
    alerts: {
      async publish(alert) {
        io.stderr(
          `alert (not published: ALERT_TOPIC_ARN is unset): ${alert.state} ${alert.severity} ${alert.incidentId}`,
        );
        return undefined;
      },
    },
    followUps: {
      async schedule(message, delaySeconds) {
        io.stderr(
          `follow-up (not queued: FOLLOW_UP_QUEUE_URL is unset) in ${delaySeconds} s: ${JSON.stringify(message)}`,
        );
      },
    },
  };
}

/** Why a file could not be read, in words (the path is named by the caller). */
function readFailure(error: unknown): string {
  switch ((error as { code?: string }).code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'it is a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    default:
      return (error as Error).message;
  }
}

/** Builds `fluxguard replay`. */
export function makeReplayCommand({ compose = createIncidentDeps }: ReplayCommandDeps = {}): Command {
  return {
    name: 'replay',
    summary:
      'Run one event through the incident worker’s pipeline, with its configuration, and print each step.',
    usage: 'fluxguard replay <event.json> [--dry-run] [--checks N] [--interval S] [--now <time>] [--json]',
    details: [
      'Arguments:',
      '  <event.json>   a Flux event body as Flux posts it, a queue message, an EventBridge alarm event,',
      '                 or an Alertmanager webhook payload (one Flux object)',
      'Options:',
      '  --dry-run      plan and alert "would revert"; write nothing to git or the cluster',
      '  --checks N     validation checks that confirm a failure (default CONFIRM_CHECKS, else 3)',
      '  --interval S   seconds between checks (default CONFIRM_INTERVAL_SECONDS, else 10)',
      '  --now <time>   decide as if it were this RFC 3339 time (a recorded event is otherwise stale)',
      '  --json         print the outcome as JSON',
      'Environment: the worker’s (docs/WORKER.md): STATE_TABLE_NAME, ENVIRONMENT, CLUSTER_NAME or KUBECONFIG,',
      '  GITHUB_TOKEN or GITHUB_TOKEN_SECRET_ARN, GITHUB_API_URL, DEFAULT_MODE, ...; without ALERT_TOPIC_ARN',
      '  alerts are printed, without FOLLOW_UP_QUEUE_URL follow-ups are printed.',
      'Exit codes: 0 the pipeline completed (whatever it decided); 1 an action it attempted failed (the',
      '  "failed" lines: the revert or pull request, a refused revert, the reconcile request, the reapply',
      '  pull request (failed or refused), the suspend of an ImageUpdateAutomation); 64 usage (also an',
      '  unreadable event file);',
      '  69 unavailable (AWS, the cluster, GitHub, or another worker holds the object); 70 a bug.',
    ].join('\n'),
    options: {
      'dry-run': { type: 'boolean' },
      checks: { type: 'string' },
      interval: { type: 'string' },
      now: { type: 'string' },
      json: { type: 'boolean' },
    },
    async run(values, positionals, io) {
      const [file, ...extra] = positionals;
      if (!file || extra.length > 0) throw new UsageError('expected one event file');
      let settings: IncidentSettings;
      let wiring: IncidentWiring;
      try {
        const env = io.env;
        const clusterName = optionalEnv(env, 'CLUSTER_NAME');
        const kubeconfig = optionalEnv(env, 'KUBECONFIG');
        if (!clusterName && !kubeconfig) {
          io.stderr('error: no cluster configured: set CLUSTER_NAME (EKS) or KUBECONFIG');
          return ExitCode.unavailable;
        }
        settings = readIncidentSettings(env, clusterName ?? 'local');
        if (values['dry-run'] === true) settings.dryRun = true;
        settings.confirmChecks = integerOption(values, 'checks', settings.confirmChecks, { min: 1, max: 20 });
        settings.confirmIntervalMs =
          integerOption(values, 'interval', settings.confirmIntervalMs / 1000, { min: 0, max: 120 }) * 1000;
        const token = optionalEnv(env, 'GITHUB_TOKEN');
        const secretArn = optionalEnv(env, 'GITHUB_TOKEN_SECRET_ARN');
        if (!token && !secretArn)
          throw new ConfigError('GITHUB_TOKEN (or GITHUB_TOKEN_SECRET_ARN) is not set');
        const alertTopicArn = optionalEnv(env, 'ALERT_TOPIC_ARN');
        const followUpQueueUrl = optionalEnv(env, 'FOLLOW_UP_QUEUE_URL');
        const region = optionalEnv(env, 'AWS_REGION');
        const apiUrl = optionalEnv(env, 'GITHUB_API_URL');
        wiring = {
          stateTableName: requiredEnv(env, 'STATE_TABLE_NAME'),
          cluster: clusterName ? { clusterName } : { kubeconfig: kubeconfig as string },
          github: token ? { token } : { secretArn: secretArn as string },
          settings,
          ...(alertTopicArn ? { alertTopicArn } : {}),
          ...(followUpQueueUrl ? { followUpQueueUrl } : {}),
          ...(region ? { region } : {}),
          ...(apiUrl ? { githubApiUrl: apiUrl } : {}),
        };
      } catch (error) {
        if (error instanceof ConfigError) throw new UsageError(error.message);
        throw error;
      }
      const nowText = stringOption(values, 'now');
      const now = nowText === undefined ? undefined : new Date(nowText);
      if (now && Number.isNaN(now.getTime()))
        throw new UsageError(`--now must be an RFC 3339 time, got "${nowText}"`);
      let bytes: Buffer;
      try {
        bytes = await readFile(file);
      } catch (error) {
        throw new UsageError(`cannot read the event file ${file}: ${readFailure(error)}`);
      }
      let input: IncidentInput;
      try {
        input = replayInput(bytes, io.env, now ?? new Date());
      } catch (error) {
        if (error instanceof UsageError) throw new UsageError(`${file}: ${error.message}`);
        throw error;
      }
      const printing = printingPublishers(io);
      let composed: Awaited<ReturnType<typeof createIncidentDeps>> | undefined;
      try {
        composed = await compose(wiring, {
          ...(wiring.alertTopicArn ? {} : { alerts: printing.alerts }),
          ...(wiring.followUpQueueUrl ? {} : { followUps: printing.followUps }),
        });
        const deps = now ? { ...composed.deps, now: () => now } : composed.deps;
        const outcome = await processIncident(input, { messageId: `replay-${Date.now()}` }, deps);
        io.stdout(
          values.json
            ? JSON.stringify(
                {
                  ...outcome,
                  error: outcome.error ? String(outcome.error) : undefined,
                  failedActions: failedActions(outcome),
                },
                null,
                2,
              )
            : formatOutcome(outcome),
        );
        return replayExitCode(outcome);
      } catch (error) {
        const reason = unavailableReason(error);
        if (reason === undefined) throw error;
        io.stderr(`error: unavailable: ${reason}`);
        return ExitCode.unavailable;
      } finally {
        await composed?.close();
      }
    },
  };
}

/** `fluxguard replay`. */
export const replayCommand = makeReplayCommand();
