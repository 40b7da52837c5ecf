/**
 * The Flux notification-controller event (`eventv1.Event`) as a `generic`/`generic-hmac` provider
 * receives it, and its normalized form.
 *
 * The schema is tolerant: unknown fields pass through, `metadata` may be absent, and metadata keys
 * are accepted both bare (`revision`, what notification-controller sends since v0.23.1) and with
 * their group prefix (`kustomize.toolkit.fluxcd.io/revision`, as the older docs show).
 *
 * @module
 */
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { parseRevision, type Revision, RevisionSchema } from './revision.js';

// zod/mini ships no messages by default ("Invalid input"); English ones make a 400 answer useful.
z.config(en());

const nonEmpty = () => z.string().check(z.minLength(1));

// RFC 3339 as Go writes metav1.Time: date, time, optional fraction, Z or an offset.
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

/** A real RFC 3339 time: the worker judges an event's staleness by it. */
const rfc3339 = () =>
  z.string().check(
    z.refine((value) => RFC3339.test(value) && !Number.isNaN(Date.parse(value)), {
      message: 'must be an RFC 3339 time',
    }),
  );

/** `corev1.ObjectReference` as Flux fills it; kind, namespace and name are needed to act on it. */
export const InvolvedObjectSchema = z.looseObject({
  kind: nonEmpty(),
  namespace: nonEmpty(),
  name: nonEmpty(),
  uid: z.optional(z.string()),
  apiVersion: z.optional(z.string()),
  resourceVersion: z.optional(z.string()),
  fieldPath: z.optional(z.string()),
});

/** The severities Flux emits; only `info` and `error` are ever posted to a provider. */
export const SeveritySchema = z.enum(['trace', 'info', 'error']);

/** The body a Flux `generic`/`generic-hmac` provider POSTs (fluxcd/pkg `apis/event/v1beta1`). */
export const FluxEventSchema = z.looseObject({
  involvedObject: InvolvedObjectSchema,
  severity: SeveritySchema,
  timestamp: rfc3339(),
  message: z.string(),
  reason: nonEmpty(),
  metadata: z.nullish(z.record(z.string(), z.string())),
  reportingController: z.optional(z.string()),
  reportingInstance: z.optional(z.string()),
});

/** A Flux event as received (unknown fields kept). */
export type FluxEvent = z.infer<typeof FluxEventSchema>;

/** A Flux event severity. */
export type Severity = z.infer<typeof SeveritySchema>;

/** What image-automation-controller pushed, read from its `Succeeded` message. */
export interface ImageUpdatePush {
  /** The short commit sha from "pushed commit '<sha>'". */
  commit: string;
  branch: string;
}

/** The zod schema of {@link NormalizedFluxEvent}. */
export const NormalizedFluxEventSchema = z.object({
  cluster: z.string(),
  namespace: z.string(),
  kind: z.string(),
  name: z.string(),
  apiVersion: z.optional(z.string()),
  uid: z.optional(z.string()),
  reason: z.string(),
  severity: SeveritySchema,
  message: z.string(),
  timestamp: z.string(),
  reportingController: z.optional(z.string()),
  revision: z.optional(RevisionSchema),
  originRevision: z.optional(RevisionSchema),
  imageUpdate: z.optional(z.object({ commit: z.string(), branch: z.string() })),
  metadata: z.record(z.string(), z.string()),
});

/** A Flux event with the fields a consumer needs lifted out and parsed. */
export interface NormalizedFluxEvent {
  /** `metadata.cluster` (from the Alert's `eventMetadata`), else the configured cluster name. */
  cluster: string;
  namespace: string;
  kind: string;
  name: string;
  apiVersion?: string;
  uid?: string;
  reason: string;
  severity: Severity;
  message: string;
  /** RFC 3339, as sent. */
  timestamp: string;
  reportingController?: string;
  revision?: Revision;
  originRevision?: Revision;
  imageUpdate?: ImageUpdatePush;
  /** Every metadata key with its group prefix removed; a bare key wins over a prefixed one. */
  metadata: Record<string, string>;
}

/** The cluster name used when neither the event nor the configuration names one. */
export const UNKNOWN_CLUSTER = 'unknown';

// `<anything>.toolkit.fluxcd.io/` (controller groups and `event.toolkit.fluxcd.io/`).
const FLUX_PREFIX = /^[a-z0-9.-]*toolkit\.fluxcd\.io\//;
const IMAGE_PUSH = /^pushed commit '([0-9a-f]{4,64})' to branch '([^'\n]+)'/;

/**
 * The metadata with Flux group prefixes removed. A bare key wins over a prefixed one, which matches
 * notification-controller, where controller metadata (bare after stripping) has the last word.
 */
export function bareMetadata(metadata: Record<string, string> | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!metadata) return out;
  const bare = new Set<string>();
  for (const [key, value] of Object.entries(metadata)) {
    const stripped = key.replace(FLUX_PREFIX, '');
    if (stripped === key) {
      out[key] = value;
      bare.add(key);
    } else if (!bare.has(stripped)) {
      out[stripped] = value;
    }
  }
  return out;
}

/** Options for {@link normalizeFluxEvent}. */
export interface NormalizeOptions {
  /** The cluster to record when the event has no `cluster` metadata (`CLUSTER_NAME`). */
  defaultCluster?: string;
}

/** Lifts the fields of a parsed Flux event out and parses its revisions. Pure. */
export function normalizeFluxEvent(
  event: FluxEvent,
  { defaultCluster }: NormalizeOptions = {},
): NormalizedFluxEvent {
  const metadata = bareMetadata(event.metadata);
  const { involvedObject: object } = event;
  const normalized: NormalizedFluxEvent = {
    cluster: metadata.cluster || defaultCluster || UNKNOWN_CLUSTER,
    namespace: object.namespace,
    kind: object.kind,
    name: object.name,
    reason: event.reason,
    severity: event.severity,
    message: event.message,
    timestamp: event.timestamp,
    metadata,
  };
  if (object.apiVersion !== undefined) normalized.apiVersion = object.apiVersion;
  if (object.uid !== undefined) normalized.uid = object.uid;
  if (event.reportingController !== undefined) normalized.reportingController = event.reportingController;
  if (metadata.revision) normalized.revision = parseRevision(metadata.revision);
  if (metadata.originRevision) normalized.originRevision = parseRevision(metadata.originRevision);
  const push = object.kind === 'ImageUpdateAutomation' ? IMAGE_PUSH.exec(event.message) : null;
  if (push) normalized.imageUpdate = { commit: push[1] ?? '', branch: push[2] ?? '' };
  return normalized;
}
