/**
 * The words every rendering shares: what each state is called, how a target, a revision, a time
 * and a duration are written, and how untrusted text is escaped and cut to a budget.
 *
 * @module
 */
import type { Alert, AlertState } from './alert.js';

/** How a state is announced: an emoji shortcode, a headline, and one line saying what it means. */
export interface StateWording {
  emoji: string;
  headline: string;
  meaning: string;
}

/** The wording of every state. */
export const STATE_WORDING: Readonly<Record<AlertState, StateWording>> = {
  failing: {
    emoji: ':rotating_light:',
    headline: 'Rollout failing',
    meaning: 'The rollout failed validation; fluxguard is deciding what to do.',
  },
  reverting: {
    emoji: ':rewind:',
    headline: 'Reverting',
    meaning: 'fluxguard is reverting the failing commit in git.',
  },
  reverted: {
    emoji: ':leftwards_arrow_with_hook:',
    headline: 'Reverted in git',
    meaning: 'The failing change was reverted in git; Flux is rolling the revert out.',
  },
  'pull-request-opened': {
    emoji: ':twisted_rightwards_arrows:',
    headline: 'Revert pull request opened',
    meaning:
      'A revert waits in a pull request (the target asks for pull requests, or the branch is protected) for a person to merge it; the incident recovers once a newer revision is healthy.',
  },
  recovered: {
    emoji: ':white_check_mark:',
    headline: 'Recovered',
    meaning: 'The rollout is healthy again.',
  },
  'not-recovered': {
    emoji: ':x:',
    headline: 'Not recovered',
    meaning:
      'The rollout is still unhealthy after the revert, or the change to undo is itself a revert; a person must decide.',
  },
  inconclusive: {
    emoji: ':grey_question:',
    headline: 'Inconclusive',
    meaning: 'fluxguard could not tell whether the rollout failed, so it did not act; a person must look.',
  },
  'alert-only': {
    emoji: ':warning:',
    headline: 'Rollout failing (alert only)',
    meaning: 'The rollout failed; this target is set to alert only, so nothing was reverted.',
  },
  'breaker-open': {
    emoji: ':octagonal_sign:',
    headline: 'Circuit breaker open',
    meaning: 'Too many automatic reverts in a short time; fluxguard stopped reverting and only alerts.',
  },
  'not-caused-by-deploy': {
    emoji: ':information_source:',
    headline: 'Not caused by a deploy',
    meaning: 'The alarm fired but no recent rollout explains it; nothing was reverted.',
  },
};

/** `Kustomization/flux-system/apps`: the form the SNS `target` attribute and the CLI use. */
export function targetPath(alert: Pick<Alert, 'target'>): string {
  return `${alert.target.kind}/${alert.target.namespace}/${alert.target.name}`;
}

/** One title line: state, target, cluster and environment, with a dry-run mark. */
export function titleLine(alert: Alert): string {
  const wording = STATE_WORDING[alert.state];
  const dryRun = alert.dryRun ? '[dry run] ' : '';
  return `${dryRun}${wording.headline}: ${targetPath(alert)} on ${alert.cluster} (${alert.environment})`;
}

/** The first 7 characters of a commit sha, as git abbreviates it. */
export function shortSha(sha: string): string {
  return /^[0-9a-f]{40,64}$/i.test(sha) ? sha.slice(0, 7) : sha;
}

/** `1h 2m 5s`, `4m 12s`, `38s`. */
export function duration(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const rest = total % 60;
  const parts = [hours ? `${hours}h` : '', minutes ? `${minutes}m` : '', `${rest}s`];
  return parts.filter(Boolean).join(' ');
}

/** An RFC 3339 time as `2026-12-03 10:04:05 UTC`; anything unparsable is shown as given. */
export function utcTime(value: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return value;
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** The mark that ends cut text. */
export const CUT_MARK = '…';

/**
 * Cuts `text` to at most `max` UTF-16 code units (the unit Slack's limits are counted in, and never
 * fewer characters than that), ending with {@link CUT_MARK}; never splits a surrogate pair.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= CUT_MARK.length) return CUT_MARK.slice(0, max);
  let end = max - CUT_MARK.length;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}${CUT_MARK}`;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * Escapes text for Slack mrkdwn (`&`, `<`, `>`), so text from a Flux event, a commit or a cluster
 * can never become a mention (`<!channel>`) or a disguised link, then cuts it to `max` code units
 * without splitting an entity.
 */
export function mrkdwn(text: string, max = Number.POSITIVE_INFINITY): string {
  const escaped = text.replace(/[&<>]/g, (char) => ESCAPES[char] ?? char);
  if (escaped.length <= max) return escaped;
  let out = '';
  for (const char of text) {
    const piece = ESCAPES[char] ?? char;
    if (out.length + piece.length > max - CUT_MARK.length) break;
    out += piece;
  }
  return `${out}${CUT_MARK}`;
}

/** Text inside a code block: escaped, with triple backticks broken so they cannot close the block. */
export function codeText(text: string, max: number): string {
  return mrkdwn(text.replaceAll('```', '`\u200b`\u200b`'), max);
}

/** A Slack link `<url|label>`; `url` must be http(s), otherwise the label alone is returned. */
export function link(url: string | undefined, label: string): string {
  const text = mrkdwn(label).replaceAll('|', '\u2758');
  if (!url || !/^https?:\/\/[^\s<>|]+$/.test(url)) return text;
  return `<${url}|${text}>`;
}

/** Text for inline code (`` `…` ``): escaped, one line, without backticks that would end it. */
export function inlineCode(text: string, max: number): string {
  return mrkdwn(text.replace(/[`\r\n]+/g, ' '), max);
}
