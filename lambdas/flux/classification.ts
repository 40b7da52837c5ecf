/**
 * What a Flux event means for a rollout, decided in one place from the object kind, the severity
 * and the reason, as kustomize-controller, helm-controller and source-controller emit them
 * (their `event.Eventf` calls and the `meta` condition reasons of fluxcd/pkg). Pure and table-tested.
 *
 * Kustomization info events carry whatever the Ready condition's reason is at that moment, so a
 * failure reason on an `info` event is progress, not a failure: severity and reason are read together.
 *
 * @module
 */
import * as z from 'zod/mini';
import type { Severity } from './flux-event.js';

/**
 * - `rollout-failed`: something was applied and did not become healthy (or Helm rolled it back).
 * - `build-failed`: the revision could not be built or fetched; nothing was applied.
 * - `succeeded`: a reconcile or Helm action finished well (marks a revision known-good).
 * - `image-update-pushed`: image automation pushed a commit to git.
 * - `error`: any other error (configuration, source, prune, drift): alert, never revert.
 * - `info`: progress and other information.
 */
export const CATEGORIES = [
  'rollout-failed',
  'build-failed',
  'succeeded',
  'image-update-pushed',
  'error',
  'info',
] as const;

/** See {@link CATEGORIES}. */
export type Category = (typeof CATEGORIES)[number];

/** The zod schema of {@link Classification}. */
export const ClassificationSchema = z.object({
  category: z.enum(CATEGORIES),
  description: z.string(),
});

/** The category of an event and one sentence that says why. */
export interface Classification {
  category: Category;
  description: string;
}

/** The fields classification reads. */
export interface ClassifiableEvent {
  kind: string;
  severity: Severity;
  reason: string;
}

interface Rule {
  kinds: readonly string[] | '*';
  severity: Severity;
  reasons: readonly string[];
  category: Category;
  description: string;
}

const RULES: readonly Rule[] = [
  {
    kinds: ['Kustomization'],
    severity: 'error',
    reasons: ['HealthCheckFailed'],
    category: 'rollout-failed',
    description: 'applied, but the workloads never became healthy',
  },
  {
    kinds: ['Kustomization'],
    severity: 'error',
    reasons: ['ReconciliationFailed'],
    category: 'rollout-failed',
    description: 'apply failed, possibly after a partial apply',
  },
  {
    kinds: ['HelmRelease'],
    severity: 'error',
    reasons: ['InstallFailed', 'UpgradeFailed', 'TestFailed', 'RollbackFailed', 'UninstallFailed'],
    category: 'rollout-failed',
    description: 'the Helm release failed',
  },
  {
    kinds: ['HelmRelease'],
    severity: 'info',
    reasons: ['RollbackSucceeded'],
    category: 'rollout-failed',
    description: 'an upgrade failed and Helm remediation rolled it back',
  },
  {
    kinds: '*',
    severity: 'error',
    reasons: ['BuildFailed', 'ArtifactFailed'],
    category: 'build-failed',
    description: 'the revision could not be built or fetched; nothing was applied',
  },
  {
    kinds: ['Kustomization'],
    severity: 'info',
    reasons: ['ReconciliationSucceeded'],
    category: 'succeeded',
    description: 'the reconcile finished and the revision is applied',
  },
  {
    kinds: ['HelmRelease'],
    severity: 'info',
    reasons: ['InstallSucceeded', 'UpgradeSucceeded', 'TestSucceeded'],
    category: 'succeeded',
    description: 'the Helm release succeeded',
  },
  {
    kinds: ['ImageUpdateAutomation'],
    severity: 'info',
    reasons: ['Succeeded'],
    category: 'image-update-pushed',
    description: 'image automation pushed a commit',
  },
];

/** Classifies a Flux event. Pure; every event gets a category (`error`/`info` as the fallback). */
export function classify({ kind, severity, reason }: ClassifiableEvent): Classification {
  for (const rule of RULES) {
    if (rule.severity !== severity || !rule.reasons.includes(reason)) continue;
    if (rule.kinds !== '*' && !rule.kinds.includes(kind)) continue;
    return { category: rule.category, description: `${kind} ${reason}: ${rule.description}` };
  }
  if (severity === 'error') {
    return { category: 'error', description: `${kind} ${reason}: an error that is not a failed rollout` };
  }
  return { category: 'info', description: `${kind} ${reason}: progress or information` };
}

/**
 * The kinds a Flux Alert can watch (notification-controller `api/v1/reference_types.go`). Events
 * about anything else cannot come from Flux and are ignored.
 */
export const FLUX_KINDS: ReadonlySet<string> = new Set([
  'Bucket',
  'GitRepository',
  'Kustomization',
  'HelmRelease',
  'HelmChart',
  'HelmRepository',
  'ImageRepository',
  'ImagePolicy',
  'ImageUpdateAutomation',
  'OCIRepository',
  'ArtifactGenerator',
  'ExternalArtifact',
]);

/**
 * Why a valid event is deliberately not queued, or `undefined` when it should be queued:
 * `trace` events (Flux never posts them) and kinds a Flux Alert cannot watch.
 */
export function ignoreReason({ kind, severity }: ClassifiableEvent): string | undefined {
  if (severity === 'trace') return 'trace events are not acted on';
  if (!FLUX_KINDS.has(kind)) return `kind ${kind} is not a Flux kind`;
  return undefined;
}
