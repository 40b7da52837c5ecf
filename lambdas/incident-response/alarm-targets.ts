/**
 * Which Flux object an alarm is about: the alarm tags `fluxguard:cluster` and `fluxguard:target`
 * (`Kustomization/<ns>/<name>` or `HelmRelease/<ns>/<name>`), from the event when EventBridge
 * propagated them, else from `cloudwatch:ListTagsForResource`, cached per alarm.
 *
 * @module
 */
import { type CloudWatchClient, ListTagsForResourceCommand } from '@aws-sdk/client-cloudwatch';
import type { AlarmEvent } from '../incidents/index.js';
import { type ObjectRef, parseTargetLabel } from './model.js';

/** The tag naming the cluster. */
export const CLUSTER_TAG = 'fluxguard:cluster';
/** The tag naming the Flux object (`Kind/namespace/name`). */
export const TARGET_TAG = 'fluxguard:target';

/** Reads an alarm's tags. */
export interface AlarmTagReader {
  tags(alarmArn: string): Promise<Record<string, string>>;
}

/** {@link AlarmTagReader} through CloudWatch `ListTagsForResource`. */
export class CloudWatchAlarmTags implements AlarmTagReader {
  readonly #client: CloudWatchClient;
  constructor(client: CloudWatchClient) {
    this.#client = client;
  }
  async tags(alarmArn: string): Promise<Record<string, string>> {
    const answer = await this.#client.send(new ListTagsForResourceCommand({ ResourceARN: alarmArn }));
    return Object.fromEntries((answer.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
  }
}

/** The object an alarm maps to, or why it maps to none. */
export type AlarmTarget = { ok: true; object: ObjectRef } | { ok: false; reason: string };

/** The object named by an alarm's tags. Pure. */
export function targetFromTags(tags: Record<string, string>, defaultCluster?: string): AlarmTarget {
  const label = tags[TARGET_TAG];
  if (!label) return { ok: false, reason: `the alarm has no ${TARGET_TAG} tag` };
  const target = parseTargetLabel(label);
  if (!target) {
    return {
      ok: false,
      reason: `${TARGET_TAG} "${label}" is not Kustomization/<ns>/<name> or HelmRelease/<ns>/<name>`,
    };
  }
  const cluster = tags[CLUSTER_TAG] ?? defaultCluster;
  if (!cluster) return { ok: false, reason: `the alarm has no ${CLUSTER_TAG} tag` };
  return { ok: true, object: { cluster, ...target } };
}

/**
 * Maps alarms to objects, caching each alarm's tags for `maxAgeMs` (default 5 minutes).
 *
 * @example
 * ```ts
 * const targets = new AlarmTargets(new CloudWatchAlarmTags(new CloudWatchClient({})), { defaultCluster: 'prod' });
 * const target = await targets.resolve(alarm); // { ok: true, object: { cluster, kind, namespace, name } }
 * ```
 */
export class AlarmTargets {
  readonly #reader: AlarmTagReader;
  readonly #cache = new Map<string, { at: number; tags: Record<string, string> }>();
  readonly #maxAgeMs: number;
  readonly #defaultCluster: string | undefined;
  readonly #now: () => number;

  constructor(
    reader: AlarmTagReader,
    {
      maxAgeMs = 300_000,
      defaultCluster,
      now = Date.now,
    }: { maxAgeMs?: number; defaultCluster?: string; now?: () => number } = {},
  ) {
    this.#reader = reader;
    this.#maxAgeMs = maxAgeMs;
    this.#defaultCluster = defaultCluster;
    this.#now = now;
  }

  async resolve(alarm: AlarmEvent): Promise<AlarmTarget> {
    if (alarm.tags?.[TARGET_TAG]) return targetFromTags(alarm.tags, this.#defaultCluster);
    const cached = this.#cache.get(alarm.alarmArn);
    let tags = cached && this.#now() - cached.at < this.#maxAgeMs ? cached.tags : undefined;
    if (!tags) {
      tags = await this.#reader.tags(alarm.alarmArn);
      this.#cache.set(alarm.alarmArn, { at: this.#now(), tags });
    }
    return targetFromTags(tags, this.#defaultCluster);
  }
}
