/**
 * Commit messages and pull request bodies of reverts and reapplies: plain text, one value per line, trailers last.
 *
 * @module
 */
import { INCIDENT_TRAILER, REAPPLY_OF_TRAILER, REVERT_OF_TRAILER } from './trailers.js';

/** Why the revert is made; every field but `id` is optional and shown when present. */
export interface IncidentContext {
  /** The incident identifier, written to the `Fluxguard-Incident` trailer. */
  id: string;
  cluster?: string;
  kustomization?: string;
  /** The layer that failed, e.g. `health check`, `synthetic probe`, `alarm`. */
  layer?: string;
  /** A one-line summary of the evidence. */
  evidence?: string;
  /** A link to the incident, dashboard or alert. */
  link?: string;
}

/** A commit being reverted, oldest first. */
export interface CommitSummary {
  sha: string;
  /** The first line of its message. */
  subject: string;
}

/** Inputs of {@link formatRevertMessage}. */
export interface RevertMessageInput {
  /** The reverted commits, oldest first; the last one is the failing commit. */
  commits: readonly CommitSummary[];
  /** The last known good commit. */
  good: string;
  /** The scope restored (normalised paths); empty means the whole repository. */
  scope: readonly string[];
  incident: IncidentContext;
  /** Paths that later commits also changed (only for a pull request). */
  conflicts?: readonly string[];
  /** Paths the same commit also edits beyond the restore (e.g. an ImagePolicy excluding the bad version). */
  edited?: readonly string[];
}

/** Collapses white space so a value cannot break the message into paragraphs or fake trailers. */
function oneLine(value: string, max = 500): string {
  const flat = value.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The first line of a commit message. */
export function subjectOf(message: string): string {
  return (message.split('\n', 1)[0] ?? '').trim();
}

/** `abc1234`: the seven-character short form of a SHA. */
export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

/** The subject line: `Revert "<subject>"` for one commit, `Revert N commits to <short good>` otherwise. */
export function revertSubject(commits: readonly CommitSummary[], good: string): string {
  const only = commits.length === 1 ? commits[0] : undefined;
  return only
    ? `Revert "${oneLine(only.subject, 200)}"`
    : `Revert ${commits.length} commits to ${shortSha(good)}`;
}

/** The explanation and evidence paragraphs, shared by the commit message and the pull request body. */
export function revertBody(input: RevertMessageInput): string {
  const failing = input.commits.at(-1);
  const where = input.scope.length === 0 ? 'the repository' : input.scope.map((p) => `${p}/`).join(', ');
  const why = `Fluxguard restored ${where} to ${shortSha(input.good)}, the last known good revision, because the rollout of ${failing ? shortSha(failing.sha) : 'the failing revision'} failed.`;
  const { incident } = input;
  const facts = [
    `Incident: ${oneLine(incident.id, 200)}`,
    ...(incident.cluster ? [`Cluster: ${oneLine(incident.cluster)}`] : []),
    ...(incident.kustomization ? [`Kustomization: ${oneLine(incident.kustomization)}`] : []),
    ...(incident.layer ? [`Failing layer: ${oneLine(incident.layer)}`] : []),
    ...(incident.evidence ? [`Evidence: ${oneLine(incident.evidence)}`] : []),
    ...(incident.link ? [`Link: ${oneLine(incident.link)}`] : []),
  ];
  const commits = ['Reverted commits:', ...input.commits.map((c) => `- ${c.sha} ${oneLine(c.subject, 200)}`)];
  const conflicts =
    input.conflicts && input.conflicts.length > 0
      ? [
          [
            'Later commits also changed these files, so this revert was not pushed; review it before merging:',
            ...input.conflicts.map((p) => `- ${p}`),
          ].join('\n'),
        ]
      : [];
  const edited =
    input.edited && input.edited.length > 0
      ? [['Also changed in this commit:', ...input.edited.map((p) => `- ${p}`)].join('\n')]
      : [];
  return [why, facts.join('\n'), commits.join('\n'), ...edited, ...conflicts].join('\n\n');
}

/** The trailer paragraph: `Fluxguard-Revert-Of: <sha>` per reverted commit, then `Fluxguard-Incident: <id>`. */
function trailerParagraph(input: RevertMessageInput): string {
  return [
    ...input.commits.map((c) => `${REVERT_OF_TRAILER}: ${c.sha}`),
    `${INCIDENT_TRAILER}: ${oneLine(input.incident.id, 200)}`,
  ].join('\n');
}

/**
 * The full commit message: subject, body, and the trailers `Fluxguard-Revert-Of: <sha>` (one per
 * reverted commit) and `Fluxguard-Incident: <id>` as its last paragraph.
 */
export function formatRevertMessage(input: RevertMessageInput): string {
  return `${revertSubject(input.commits, input.good)}\n\n${revertBody(input)}\n\n${trailerParagraph(input)}\n`;
}

/**
 * The pull request description: the body with the same trailers last, so a squash merge that uses
 * the description as its message still carries `Fluxguard-Revert-Of` and the loop guard holds.
 */
export function pullRequestBody(input: RevertMessageInput): string {
  return `${revertBody(input)}\n\n${trailerParagraph(input)}\n`;
}

/** A reverted commit with its author, as the reapply pull request mentions it. */
export interface AuthoredCommit extends CommitSummary {
  author?: { name: string; login?: string };
}

/** Inputs of the reapply commit message and pull request body. */
export interface ReapplyMessageInput {
  /** The reverted commits, oldest first. */
  reverted: readonly AuthoredCommit[];
  failing: string;
  /** The revert commit the reapply goes on top of. */
  revertSha: string;
  incident: IncidentContext;
}

/** `@login` when GitHub matched the author, else the git author's name. */
export function mentionOf(author: AuthoredCommit['author']): string {
  if (author?.login) return `@${author.login}`;
  return author?.name ? oneLine(author.name, 100) : 'its author';
}

/** `Reapply "<subject>"` for one commit, `Reapply N commits up to <short failing>` otherwise. */
export function reapplySubject(reverted: readonly CommitSummary[], failing = ''): string {
  const only = reverted.length === 1 ? reverted[0] : undefined;
  return only
    ? `Reapply "${oneLine(only.subject, 200)}"`
    : `Reapply ${reverted.length} commits up to ${shortSha(failing)}`;
}

/** The reapply pull request's description: what it brings back, whose change it is, and what to do. */
export function reapplyBody(input: ReapplyMessageInput): string {
  const authors = [...new Set(input.reverted.map((c) => mentionOf(c.author)))];
  return [
    `Fluxguard reverted ${shortSha(input.failing)} in ${shortSha(input.revertSha)} because its rollout failed (incident ${oneLine(input.incident.id, 200)}). This draft puts the change back on top of the revert, so the fix can start from it.`,
    `Author${authors.length === 1 ? '' : 's'} of the reverted change: ${authors.join(', ')}.`,
    ['Reapplied commits:', ...input.reverted.map((c) => `- ${c.sha} ${oneLine(c.subject, 200)}`)].join('\n'),
    'Push the fix to this branch and mark the pull request ready for review once the rollout should succeed.',
    `${REAPPLY_OF_TRAILER}: ${input.failing}\n${INCIDENT_TRAILER}: ${oneLine(input.incident.id, 200)}`,
  ].join('\n\n');
}

/**
 * The reapply commit's message. It carries `Fluxguard-Reapply-Of`, never `Fluxguard-Revert-Of`:
 * it is not a revert, so once merged it can itself be reverted if its rollout fails.
 */
export function reapplyMessage(input: ReapplyMessageInput): string {
  return `${reapplySubject(input.reverted, input.failing)}\n\n${reapplyBody(input)}\n`;
}
