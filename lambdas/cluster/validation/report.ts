import type { FluxContext, FluxTargetKind, WorkloadRef } from './flux-context.js';
import { type Evidence, LAYERS, type Layer, type Observed, type Verdict } from './types.js';

/** The longest {@link ValidationReport.summary} can be (fits a Slack section and a Chatbot description). */
export const SUMMARY_MAX_CHARS = 3_000;

/** One layer's conclusion over all checks. */
export interface LayerReport {
  verdict: Verdict;
  /** Why, in words, e.g. "failed on every check (fail, fail, fail)". */
  reason: string;
  /** What each check saw, oldest first. */
  checks: Observed[];
  /** The evidence of the last check, worst first. */
  evidence: Evidence[];
}

/** One workload at the last check. */
export interface WorkloadReport extends WorkloadRef {
  rollout: Observed;
  pods: Observed;
  /** Absent when the workload has no health annotations. */
  http?: Observed;
}

/** One HelmRelease at the last check: its own status (its workloads are in `workloads`). */
export interface ReleaseReport {
  namespace: string;
  name: string;
  state: Observed;
  /** The chart version helm-controller last attempted. */
  lastAttemptedRevision?: string;
}

/** The result of {@link validateRollout}: plain data, so `JSON.stringify` is its machine-readable form. */
export interface ValidationReport {
  target: { kind: FluxTargetKind; namespace: string; name: string };
  /** The revision the trigger was about, when given. */
  revision?: string;
  verdict: Verdict;
  /**
   * True only when `verdict` is `fail` and every failing check rests on definitive pod states of the
   * current revision (a crash loop after 2 restarts, an image or tag that does not exist, a config
   * error, repeated OOM kills): waiting longer will not change it.
   */
  definitiveFailure: boolean;
  /** Why the overall verdict, in one sentence. */
  reason: string;
  layers: Record<Layer, LayerReport>;
  workloads: WorkloadReport[];
  /** HelmReleases checked through their own status (the target, or those in its inventory). */
  releases: ReleaseReport[];
  /** What was read from the Flux object and its source at the last check that could read it. */
  flux?: FluxContext;
  checks: { planned: number; run: number; intervalMs: number };
  startedAt: string;
  durationMs: number;
  /** A human summary of at most {@link SUMMARY_MAX_CHARS} characters. */
  summary: string;
}

const MARK: Record<Observed, string> = {
  pass: 'PASS',
  fail: 'FAIL',
  inconclusive: 'INCONCLUSIVE',
  pending: 'PENDING',
};

function evidenceLine(evidence: Evidence): string {
  return `  - ${evidence.object} ${evidence.field}: ${evidence.value}${evidence.definitive ? ' (definitive)' : ''}`;
}

/**
 * The human summary: verdict and target, the Flux revisions and source, each layer's verdict with
 * its evidence (failing layers first), cut to {@link SUMMARY_MAX_CHARS} with a note of what was left
 * out (the JSON form has everything).
 */
export function formatSummary(report: Omit<ValidationReport, 'summary'>): string {
  const { target, flux } = report;
  const head = [
    `${MARK[report.verdict]}${report.definitiveFailure ? ' (definitive)' : ''} ${target.kind} ${target.namespace}/${target.name}${report.revision ? ` at ${report.revision}` : ''}: ${report.reason}`,
  ];
  if (flux) {
    head.push(
      `Flux: lastApplied ${flux.lastAppliedRevision ?? '-'}, lastAttempted ${flux.lastAttemptedRevision ?? '-'}` +
        (flux.ready ? `, Ready=${flux.ready.status}${flux.ready.reason ? ` ${flux.ready.reason}` : ''}` : ''),
    );
    if (flux.source?.url) {
      head.push(
        `Source: ${flux.source.url}${flux.source.branch ? ` (${flux.source.branch})` : ''}${flux.path ? ` path ${flux.path}` : ''}`,
      );
    }
  }
  head.push(
    `Checks: ${report.checks.run} of ${report.checks.planned}, ${report.checks.intervalMs} ms apart; ${report.workloads.length} workload(s)`,
  );
  const order: Record<Verdict, number> = { fail: 0, inconclusive: 1, pass: 2 };
  const layers = [...LAYERS].sort(
    (a, b) => order[report.layers[a].verdict] - order[report.layers[b].verdict],
  );
  const blocks = layers.map((layer) => {
    const layerReport = report.layers[layer];
    const shown = layerReport.verdict === 'pass' ? layerReport.evidence.slice(0, 3) : layerReport.evidence;
    return [`${layer}: ${MARK[layerReport.verdict]} (${layerReport.reason})`, ...shown.map(evidenceLine)];
  });
  const lines = [...head, ...blocks.flat()];
  let text = '';
  for (const [index, line] of lines.entries()) {
    const left = lines.length - index;
    const note = `… ${left} more line(s); see the JSON report`;
    if (text.length + line.length + 1 + note.length + 1 > SUMMARY_MAX_CHARS) {
      text += note;
      break;
    }
    text += `${line}\n`;
  }
  return text.trimEnd().slice(0, SUMMARY_MAX_CHARS);
}
