/**
 * The incident worker's vocabulary: the Flux object an incident is about, modes, incident states,
 * last known good revisions and the revert ledger. Plain data, no I/O.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import type { AlertActionKind } from '../alerts/index.js';

/** The Flux kinds an incident can be about. */
export type FluxKind = 'Kustomization' | 'HelmRelease';

/** One Flux object in one cluster. */
export interface ObjectRef {
  cluster: string;
  kind: FluxKind;
  namespace: string;
  name: string;
}

/** `Kind/namespace/name`, the form of the `fluxguard:target` alarm tag and of `fluxguard breaker reset`. */
export function targetLabel(ref: Omit<ObjectRef, 'cluster'>): string {
  return `${ref.kind}/${ref.namespace}/${ref.name}`;
}

/** `cluster/Kind/namespace/name`: the object's key in the state table. */
export function objectKey(ref: ObjectRef): string {
  return `${ref.cluster}/${targetLabel(ref)}`;
}

/**
 * Parses `Kind/namespace/name` (kind case-insensitive, `ks` and `hr` accepted).
 *
 * @returns `undefined` when the text is not of that form
 */
export function parseTargetLabel(text: string): Omit<ObjectRef, 'cluster'> | undefined {
  const parts = text.trim().split('/');
  if (parts.length !== 3 || parts.some((p) => p === '')) return undefined;
  const [kind, namespace, name] = parts as [string, string, string];
  const k = kind.toLowerCase();
  const fluxKind: FluxKind | undefined =
    k === 'kustomization' || k === 'ks'
      ? 'Kustomization'
      : k === 'helmrelease' || k === 'hr'
        ? 'HelmRelease'
        : undefined;
  return fluxKind ? { kind: fluxKind, namespace, name } : undefined;
}

/** How the worker answers a confirmed failure (`DEFAULT_MODE`, or the object's `fluxguard.io/mode`). */
export type Mode = 'revert' | 'pull-request' | 'alert-only' | 'off';

/** The modes `DEFAULT_MODE` accepts (`off` exists only per object). */
export const DEFAULT_MODES = ['revert', 'pull-request', 'alert-only'] as const;

/** The annotation that overrides the mode for one object. */
export const MODE_ANNOTATION = 'fluxguard.io/mode';
/** The annotation that overrides the bake window (minutes) for one object. */
export const BAKE_ANNOTATION = 'fluxguard.io/bake-minutes';

/** An incident's life: `open → confirming → reverting → reverted → recovered | failed | closed`. */
export type IncidentState =
  | 'open'
  | 'confirming'
  | 'reverting'
  | 'reverted'
  | 'recovered'
  | 'failed'
  | 'closed';

/** States after which an incident takes no more actions. */
export const FINAL_STATES: readonly IncidentState[] = ['recovered', 'failed', 'closed'];

/**
 * The incident id for a failing revision of an object: the same inputs give the same id, so two
 * workers seeing the same failure agree on one incident, and a retry finds it again.
 */
export function incidentId(ref: ObjectRef, about: string): string {
  const digest = createHash('sha256')
    .update(`${objectKey(ref)}\n${about}`)
    .digest('hex')
    .slice(0, 12);
  return `inc-${digest}`;
}

/** The commit sha in a Git revision (`main@sha1:<sha>`, `sha1:<sha>`, `main/<sha>`, a bare sha). */
export function shaOf(revision: string | undefined): string | undefined {
  if (!revision) return undefined;
  const match = /(?:sha1:|\/|^)([0-9a-f]{7,40})$/.exec(revision.trim());
  return match?.[1];
}

/** Whether two revisions (or shas, or prefixes of at least 7 characters) name the same commit. */
export function sameCommit(a: string | undefined, b: string | undefined): boolean {
  const x = shaOf(a);
  const y = shaOf(b);
  if (!x || !y) return false;
  return x.length <= y.length ? y.startsWith(x) : x.startsWith(y);
}

/** A revision Flux reported successful *and* validation passed. */
export interface LastKnownGood {
  revision: string;
  sha: string;
  /** When it was recorded (ISO 8601). */
  at: string;
}

/** A revision Flux applied (its Progressing event): the bake window starts at `appliedAt`. */
export interface AppliedRevision {
  revision: string;
  sha: string;
  appliedAt: string;
}

/** One action taken for an incident, with its link. */
export interface IncidentAction {
  kind: AlertActionKind;
  label: string;
  url?: string;
}

/** An incident as the state table keeps it. */
export interface IncidentRecord {
  id: string;
  object: ObjectRef;
  state: IncidentState;
  /** What started it (`flux`, `alarm`, `follow-up`, ...) and the reason (event reason or alarm name). */
  trigger: {
    source: 'flux' | 'alarm' | 'follow-up' | 'alertmanager';
    reason: string;
    at: string;
    message?: string;
  };
  /** The failing revision. */
  revision: string;
  /** The last validation's one-line summary. */
  validation?: string;
  actions: IncidentAction[];
  /** The fluxguard revert commit, once pushed: its success resolves the incident. */
  revertCommit?: string;
  /** The alarm behind an alarm incident (its OK resolves the incident). */
  alarmName?: string;
  /** The thread every alert of this incident goes to (the incident id). */
  threadId: string;
  /** The last alert state published, so a repeat of the same state sends nothing. */
  alertState?: string;
  openedAt: string;
  updatedAt: string;
  failedAt: string;
  recoveredAt?: string;
}

/**
 * The revert ledger's states: `pending` before the push, then `pushed(commit)` or
 * `pull-request(url)`; `refused` when the engine would not revert (a person decides).
 */
export type LedgerStatus = 'pending' | 'pushed' | 'pull-request' | 'refused';

/** One ledger entry, keyed by (repository, reverted sha, object). */
export interface LedgerEntry {
  repository: string;
  sha: string;
  object: ObjectRef;
  status: LedgerStatus;
  incidentId: string;
  commit?: string;
  url?: string;
  at: string;
}
