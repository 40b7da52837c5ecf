import { setTimeout as sleepFor } from 'node:timers/promises';
import { sameRevision } from '../../flux/index.js';
import type { ClusterReader } from '../kube-reader.js';
import { type CheckResult, runCheck, type ValidationTarget } from './check.js';
import { confirm } from './confirm.js';
import type { FluxSource } from './flux-context.js';
import { formatSummary, type LayerReport, type ValidationReport } from './report.js';
import { LAYERS, type Layer, type Verdict } from './types.js';

export type { ValidationTarget } from './check.js';

/** What to validate and how often to look. */
export interface ValidateRequest {
  target: ValidationTarget;
  /** The revision the trigger is about; when the cluster is at another one the result is inconclusive. */
  revision?: string;
  /** How many checks confirm a failure (default 3). */
  checks?: number;
  /** Pause between checks, in ms (default 10,000). */
  intervalMs?: number;
  /** Timeout of each HTTP health probe, in ms (default 3,000). */
  probeTimeoutMs?: number;
}

/** What validation reads and how it waits; tests pass their own. */
export interface ValidateDeps {
  reader: ClusterReader;
  /** Waits between checks; default `setTimeout` from `node:timers/promises`. */
  sleep?: (ms: number) => Promise<void>;
  /** The clock; default the system's. */
  now?: () => Date;
}

/** Default number of checks. */
export const DEFAULT_CHECKS = 3;
/** Default pause between checks. */
export const DEFAULT_INTERVAL_MS = 10_000;
/**
 * Default HTTP probe timeout: long enough for a health endpoint behind the API server's proxy (two
 * hops), short enough that a pass of three checks stays within the incident worker's budget.
 */
export const DEFAULT_PROBE_TIMEOUT_MS = 3_000;

function overall(layers: Record<Layer, LayerReport>): { verdict: Verdict; reason: string } {
  const failing = LAYERS.filter((layer) => layers[layer].verdict === 'fail');
  if (failing.length > 0) return { verdict: 'fail', reason: `${failing.join(', ')} failed on every check` };
  const unsure = LAYERS.filter((layer) => layers[layer].verdict === 'inconclusive');
  if (unsure.length > 0) return { verdict: 'inconclusive', reason: `${unsure.join(', ')} inconclusive` };
  return { verdict: 'pass', reason: 'rollout, pods and HTTP health all pass' };
}

/**
 * Whether a `fail` rests only on definitive evidence: every check of every failing layer failed
 * definitively (see `Evidence.definitive`). A slow rollout, a deadline, a failing probe never are.
 */
function restsOnDefinitiveEvidence(
  verdict: Verdict,
  layers: Record<Layer, LayerReport>,
  results: readonly CheckResult[],
): boolean {
  if (verdict !== 'fail') return false;
  const failing = LAYERS.filter((layer) => layers[layer].verdict === 'fail');
  return failing.every((layer) => results.every((result) => result.layers[layer].definitive === true));
}

/**
 * Validates a Flux rollout against the live cluster in three layers (rollout status, pods, HTTP
 * health), each `pass`, `fail` or `inconclusive` with evidence.
 *
 * Checks repeat up to `checks` times, `intervalMs` apart, stopping early once every layer passes. A
 * layer fails only when it failed on every check (see {@link confirm}); errors of fluxguard's own
 * (RBAC 403, API 5xx, timeouts, a missing object) and anything it cannot check make a layer
 * inconclusive, never failed or passed. The overall verdict is `fail` when any layer failed, else
 * `inconclusive` when any layer is, else `pass`; and `inconclusive` when `revision` is given and Flux
 * is at another one. `definitiveFailure` says whether a `fail` rests only on pod states no waiting
 * will change.
 *
 * Never throws for cluster errors; only for bugs.
 *
 * @example
 * ```ts
 * const report = await validateRollout(
 *   { target: { kind: 'Kustomization', namespace: 'flux-system', name: 'apps' }, revision: 'main@sha1:4f2b1c9e…' },
 *   { reader: connection.reader },
 * );
 * if (report.verdict === 'fail' && report.definitiveFailure) console.log(report.summary);
 * ```
 */
export async function validateRollout(
  request: ValidateRequest,
  deps: ValidateDeps,
): Promise<ValidationReport> {
  const now = deps.now ?? (() => new Date());
  const sleep = deps.sleep ?? ((ms: number) => sleepFor(ms));
  const target = request.target;
  const checks = Math.max(1, request.checks ?? DEFAULT_CHECKS);
  const intervalMs = Math.max(0, request.intervalMs ?? DEFAULT_INTERVAL_MS);
  const probeTimeoutMs = request.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const started = now();
  const sourceCache = new Map<string, FluxSource>();
  const results: CheckResult[] = [];
  for (let check = 0; check < checks; check += 1) {
    if (check > 0) await sleep(intervalMs);
    const result = await runCheck({ target, probeTimeoutMs, now: now() }, deps.reader, sourceCache);
    results.push(result);
    if (LAYERS.every((layer) => result.layers[layer].state === 'pass')) break;
  }
  const last = results[results.length - 1] as CheckResult;
  const layers = Object.fromEntries(
    LAYERS.map((layer): [Layer, LayerReport] => {
      const seen = results.map((result) => result.layers[layer].state);
      return [layer, { ...confirm(seen), checks: seen, evidence: last.layers[layer].evidence }];
    }),
  ) as Record<Layer, LayerReport>;
  let { verdict, reason } = overall(layers);
  const flux = [...results].reverse().find((result) => result.flux)?.flux;
  const at = flux?.lastAttemptedRevision ?? flux?.lastAppliedRevision;
  if (request.revision && at && !sameRevision(request.revision, at)) {
    verdict = 'inconclusive';
    reason = `${target.kind} is at revision ${at}, not ${request.revision}; ${reason}`;
  }
  const report: Omit<ValidationReport, 'summary'> = {
    target: { ...target },
    ...(request.revision ? { revision: request.revision } : {}),
    verdict,
    definitiveFailure: restsOnDefinitiveEvidence(verdict, layers, results),
    reason,
    layers,
    workloads: last.workloads,
    releases: last.releases,
    ...(flux ? { flux } : {}),
    checks: { planned: checks, run: results.length, intervalMs },
    startedAt: started.toISOString(),
    durationMs: now().getTime() - started.getTime(),
  };
  return { ...report, summary: formatSummary(report) };
}
