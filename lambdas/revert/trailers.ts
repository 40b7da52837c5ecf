/**
 * The `Fluxguard-*` trailers that mark fluxguard commits, and reading them back.
 *
 * @module
 */
/** The trailer that marks every commit fluxguard makes; one per reverted commit. */
export const REVERT_OF_TRAILER = 'Fluxguard-Revert-Of';
/** The trailer of a reapply commit: the failing commit it brings back (never read as a revert). */
export const REAPPLY_OF_TRAILER = 'Fluxguard-Reapply-Of';
/** The trailer naming the incident that caused a revert. */
export const INCIDENT_TRAILER = 'Fluxguard-Incident';

/** One `Key: value` trailer of a commit message. */
export interface Trailer {
  key: string;
  value: string;
}

const TRAILER_LINE = /^([A-Za-z0-9][A-Za-z0-9-]*):[ \t]*(.*?)\s*$/;

/**
 * The trailers of a commit message: the `Key: value` lines of its last paragraph, as git reads them
 * (a message of one paragraph has none: that paragraph is the subject). Continuation lines
 * (starting with white space) are folded into the trailer before them.
 */
export function parseTrailers(message: string): Trailer[] {
  const paragraphs = message
    .replace(/\r\n/g, '\n')
    .trim()
    .split(/\n[ \t]*\n/)
    .filter((p) => p.trim() !== '');
  if (paragraphs.length < 2) return [];
  const trailers: Trailer[] = [];
  for (const line of (paragraphs.at(-1) as string).split('\n')) {
    const last = trailers.at(-1);
    if (/^[ \t]+\S/.test(line) && last) {
      last.value = `${last.value} ${line.trim()}`;
      continue;
    }
    const match = TRAILER_LINE.exec(line);
    if (match) trailers.push({ key: match[1] as string, value: match[2] as string });
  }
  return trailers;
}

/** The commit SHAs a message says it reverts (its `Fluxguard-Revert-Of` trailers), lower case. */
export function revertedShas(message: string): string[] {
  return parseTrailers(message)
    .filter((t) => t.key.toLowerCase() === REVERT_OF_TRAILER.toLowerCase())
    .map((t) => t.value.toLowerCase())
    .filter((v) => /^[0-9a-f]{7,64}$/.test(v));
}

/** Whether a message carries a `Fluxguard-Revert-Of` trailer, i.e. is itself a fluxguard revert. */
export function isFluxguardRevert(message: string): boolean {
  return revertedShas(message).length > 0;
}

/** Whether a message says it reverts `sha` (full SHA; an abbreviated trailer value matches its prefix). */
export function revertsCommit(message: string, sha: string): boolean {
  const full = sha.toLowerCase();
  return revertedShas(message).some((v) => full.startsWith(v));
}
