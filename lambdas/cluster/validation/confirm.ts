import type { Observed, Verdict } from './types.js';

/** A layer's verdict over repeated checks, and why. */
export interface Confirmation {
  verdict: Verdict;
  reason: string;
}

/**
 * Decides a layer's verdict from what each check saw, oldest first.
 *
 * - the last check passed, and no check failed: `pass` (a rollout that was still progressing and
 *   then became healthy passes);
 * - every check failed: `fail` (a failure is only believed when it is seen on every check);
 * - anything else is `inconclusive`: a mix of pass and fail (flapping), a rollout still progressing
 *   at the last check, or an error of fluxguard's own (RBAC, API 5xx, timeout).
 */
export function confirm(checks: readonly Observed[]): Confirmation {
  const seen = checks.join(', ');
  if (checks.length === 0) return { verdict: 'inconclusive', reason: 'no check ran' };
  const last = checks[checks.length - 1];
  if (last === 'pass' && !checks.includes('fail')) {
    return { verdict: 'pass', reason: checks.length === 1 ? 'passed' : `passed at the last check (${seen})` };
  }
  if (checks.every((check) => check === 'fail')) {
    return { verdict: 'fail', reason: `failed on every check (${seen})` };
  }
  if (last === 'pending')
    return { verdict: 'inconclusive', reason: `still progressing at the last check (${seen})` };
  if (checks.includes('inconclusive') && !checks.includes('fail')) {
    return { verdict: 'inconclusive', reason: `could not be read on every check (${seen})` };
  }
  return { verdict: 'inconclusive', reason: `not the same on every check (${seen})` };
}
