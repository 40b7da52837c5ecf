/**
 * The alert model: one incident state change, as the incident worker publishes it and every
 * rendering (Amazon Q Developer, Slack Block Kit, plain text) reads it.
 *
 * @module
 */
import * as z from 'zod/mini';

/** Every state an incident can be reported in, in the order an incident usually moves through them. */
export const ALERT_STATES = [
  'failing',
  'reverting',
  'reverted',
  'pull-request-opened',
  'recovered',
  'not-recovered',
  'inconclusive',
  'alert-only',
  'breaker-open',
  'not-caused-by-deploy',
] as const;

/** The state of the incident this alert reports. */
export type AlertState = (typeof ALERT_STATES)[number];

/** How urgent the alert is; `critical` pages, `warning` wants a look, `info` is for the record. */
export type AlertSeverity = 'critical' | 'warning' | 'info';

/** What a person can follow from the alert: the revert commit, a pull request, an automation paused. */
export type AlertActionKind =
  | 'revert-commit'
  | 'pull-request'
  | 'reapply-pull-request'
  | 'reconcile'
  | 'image-policy-exclusion'
  | 'automation-suspended'
  | 'none';

/** The Flux object whose rollout the incident is about. */
export interface AlertTarget {
  kind: 'Kustomization' | 'HelmRelease';
  namespace: string;
  name: string;
}

/** What started the incident, or this state change. */
export interface AlertTrigger {
  source: 'flux' | 'alarm' | 'alertmanager' | 'follow-up';
  /** Flux event reason, alarm name or Alertmanager alert name. */
  reason: string;
  /** The event message as received; may be very long (Flux messages reach tens of kilobytes). */
  message?: string;
  /** When the trigger happened, as the source wrote it (Flux and EventBridge: RFC 3339). */
  at: string;
  /** Where to read more: the alarm console, the Alertmanager URL. */
  link?: string;
}

/** The rollout validation's verdict and the evidence it rests on, one line per finding. */
export interface AlertVerdict {
  verdict: 'pass' | 'fail' | 'inconclusive' | 'pending';
  summary: string;
  evidence: string[];
}

/** The git revision the rollout deployed. */
export interface AlertRevision {
  sha: string;
  ref?: string;
  author?: string;
  authorLogin?: string;
  subject?: string;
  commitUrl?: string;
  compareUrl?: string;
}

/** One action taken or offered, with a link when there is one. */
export interface AlertAction {
  kind: AlertActionKind;
  label: string;
  url?: string;
}

/**
 * One incident state change. The worker builds it; the renderings only read it.
 *
 * @example
 * ```ts
 * const alert: Alert = {
 *   version: 1,
 *   incidentId: 'inc-01J9Z',
 *   state: 'failing',
 *   severity: 'critical',
 *   cluster: 'fluxguard-production-eu-central-1',
 *   environment: 'production',
 *   target: { kind: 'Kustomization', namespace: 'flux-system', name: 'apps' },
 *   trigger: { source: 'flux', reason: 'HealthCheckFailed', at: '2026-12-03T10:00:00Z' },
 *   actions: [],
 *   nextSteps: ['flux get kustomizations -n flux-system apps'],
 *   occurredAt: '2026-12-03T10:00:05Z',
 * };
 * ```
 */
export interface Alert {
  version: 1;
  incidentId: string;
  state: AlertState;
  severity: AlertSeverity;
  cluster: string;
  environment: string;
  target: AlertTarget;
  trigger: AlertTrigger;
  verdict?: AlertVerdict;
  revision?: AlertRevision;
  actions: AlertAction[];
  /** Shell commands or short instructions, in the order to try them. */
  nextSteps: string[];
  /** What fluxguard decided and why, in words. */
  decision?: { action: string; reason: string };
  /** When this state change happened (RFC 3339). */
  occurredAt: string;
  /** When the rollout was first seen failing (RFC 3339). */
  failedAt?: string;
  /** When the rollout was seen healthy again (RFC 3339). */
  recoveredAt?: string;
  timeToRecoverySeconds?: number;
  /** The worker only pretended to act: nothing was written to git or the cluster. */
  dryRun?: boolean;
}

const nonEmpty = () => z.string().check(z.minLength(1));
const rfc3339 = () => z.iso.datetime({ offset: true });

/**
 * The zod schema of {@link Alert}. Unknown keys are dropped, so a newer publisher's extra fields do
 * not break an older subscriber.
 */
export const AlertSchema = z.object({
  version: z.literal(1),
  incidentId: nonEmpty(),
  state: z.enum(ALERT_STATES),
  severity: z.enum(['critical', 'warning', 'info']),
  cluster: nonEmpty(),
  environment: nonEmpty(),
  target: z.object({
    kind: z.enum(['Kustomization', 'HelmRelease']),
    namespace: nonEmpty(),
    name: nonEmpty(),
  }),
  trigger: z.object({
    source: z.enum(['flux', 'alarm', 'alertmanager', 'follow-up']),
    reason: z.string(),
    message: z.optional(z.string()),
    at: z.string(),
    link: z.optional(z.string()),
  }),
  verdict: z.optional(
    z.object({
      verdict: z.enum(['pass', 'fail', 'inconclusive', 'pending']),
      summary: z.string(),
      evidence: z.array(z.string()),
    }),
  ),
  revision: z.optional(
    z.object({
      sha: nonEmpty(),
      ref: z.optional(z.string()),
      author: z.optional(z.string()),
      authorLogin: z.optional(z.string()),
      subject: z.optional(z.string()),
      commitUrl: z.optional(z.string()),
      compareUrl: z.optional(z.string()),
    }),
  ),
  actions: z.array(
    z.object({
      kind: z.enum([
        'revert-commit',
        'pull-request',
        'reapply-pull-request',
        'reconcile',
        'image-policy-exclusion',
        'automation-suspended',
        'none',
      ]),
      label: z.string(),
      url: z.optional(z.string()),
    }),
  ),
  nextSteps: z.array(z.string()),
  decision: z.optional(z.object({ action: z.string(), reason: z.string() })),
  occurredAt: rfc3339(),
  failedAt: z.optional(rfc3339()),
  recoveredAt: z.optional(rfc3339()),
  timeToRecoverySeconds: z.optional(z.number().check(z.nonnegative())),
  dryRun: z.optional(z.boolean()),
});

// The schema and the interface describe the same thing: a compile error here means they drifted.
type Parsed = z.infer<typeof AlertSchema>;
const _schemaMatchesInterface: [Parsed extends Alert ? true : false, Alert extends Parsed ? true : false] = [
  true,
  true,
];
void _schemaMatchesInterface;
