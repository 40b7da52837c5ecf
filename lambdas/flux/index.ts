/**
 * The Flux domain: notification events as Flux posts them, their classification, revisions
 * (Git, OCI, chart) and the byte-exact JSON encoding Flux signs.
 *
 * ```ts
 * const event = normalizeFluxEvent(JSON.parse(body));
 * const classification = classify(event); // { category: 'rollout-failed', ... }
 * const revision = parseRevision(event.revision); // { kind: 'git', branch: 'main', sha: '...' }
 * ```
 *
 * @module
 */
export {
  CATEGORIES,
  type Category,
  type ClassifiableEvent,
  type Classification,
  ClassificationSchema,
  classify,
  FLUX_KINDS,
  ignoreReason,
} from './classification.js';
export {
  bareMetadata,
  type FluxEvent,
  FluxEventSchema,
  type ImageUpdatePush,
  InvolvedObjectSchema,
  type NormalizedFluxEvent,
  NormalizedFluxEventSchema,
  type NormalizeOptions,
  normalizeFluxEvent,
  type Severity,
  SeveritySchema,
  UNKNOWN_CLUSTER,
} from './flux-event.js';
export { goJsonStringify } from './go-json.js';
export {
  type ChartRevision,
  type DigestRevision,
  type GitRevision,
  isCommitSha,
  type OciRevision,
  parseRevision,
  type Revision,
  RevisionSchema,
  revisionLabel,
  sameRevision,
  type UnknownRevision,
} from './revision.js';
