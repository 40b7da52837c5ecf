/**
 * Follow-up checks the incident worker schedules for itself (early detection): a newly applied
 * revision is validated again and again through its bake window. They travel on a standard SQS
 * queue with a per-message `DelaySeconds`, so they carry everything needed to run the check.
 *
 * @module
 */
import * as z from 'zod/mini';

/** The zod schema of {@link FollowUpMessage}. */
export const FollowUpMessageSchema = z.object({
  version: z.literal(1),
  source: z.literal('follow-up'),
  /** Unique per scheduled check: `<cluster>/<kind>/<ns>/<name>@<sha>#<check>`. */
  id: z.string(),
  cluster: z.string(),
  target: z.object({
    kind: z.enum(['Kustomization', 'HelmRelease']),
    namespace: z.string(),
    name: z.string(),
  }),
  /** The revision being baked, as Flux reports it (`main@sha1:<sha>`). */
  revision: z.string(),
  /** When Flux applied it (ISO 8601): the bake window starts here. */
  appliedAt: z.string(),
  /** This check's number, from 1. */
  check: z.number(),
  /** When it was scheduled (ISO 8601). */
  scheduledAt: z.string(),
});

/** A scheduled follow-up validation of a newly applied revision. */
export type FollowUpMessage = z.infer<typeof FollowUpMessageSchema>;

/** SQS's largest per-message delay. */
export const MAX_DELAY_SECONDS = 900;

/**
 * Builds the follow-up for check number `check` of `revision`.
 *
 * @example
 * ```ts
 * const next = followUpMessage({ cluster, target, revision, appliedAt, check: 2, now: new Date() });
 * await scheduler.schedule(next, 60);
 * ```
 */
export function followUpMessage(input: {
  cluster: string;
  target: FollowUpMessage['target'];
  revision: string;
  appliedAt: string;
  check: number;
  now: Date;
}): FollowUpMessage {
  const { cluster, target, revision, appliedAt, check, now } = input;
  return {
    version: 1,
    source: 'follow-up',
    id: `${cluster}/${target.kind}/${target.namespace}/${target.name}@${revision}#${check}`,
    cluster,
    target: { ...target },
    revision,
    appliedAt,
    check,
    scheduledAt: now.toISOString(),
  };
}
