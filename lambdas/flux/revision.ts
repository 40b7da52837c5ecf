/**
 * Flux artifact revisions, parsed into what a person or a revert needs: the branch or ref and the
 * commit, the OCI tag and digest, or the chart version.
 *
 * Grammar (RFC-0005): `[ <named pointer> ] [ [ "@" ] <algo> ":" <checksum> ]`. The pointer is
 * everything before the last `@` and the checksum everything after the last `:` (fluxcd/pkg
 * `git/utils.go`). Before Flux 2.0 a Git revision was `<branch>/<sha>` (`HEAD/<sha>` for a commit).
 *
 * @module
 */
import * as z from 'zod/mini';

/** A Git commit, e.g. from `main@sha1:<sha>`, `refs/heads/main@sha1:<sha>`, `sha1:<sha>` or `main/<sha>`. */
export interface GitRevision {
  type: 'git';
  /** The revision exactly as Flux sent it. */
  raw: string;
  /** The named pointer as sent (`main`, `refs/heads/main`, `v1.2.0`, `HEAD`); absent for `sha1:<sha>`. */
  ref?: string;
  /**
   * The branch: the name after `refs/heads/`, or a bare pointer other than `HEAD`. Flux writes a
   * bare tag name the same way (`spec.ref.tag`), so a bare pointer is only assumed to be a branch.
   */
  branch?: string;
  /** The tag, when the pointer is `refs/tags/<tag>`. */
  tag?: string;
  /** The commit sha, lower-case hex. */
  sha: string;
  /** `true` for the pre-Flux-2.0 `<branch>/<sha>` form. */
  legacy?: boolean;
}

/** An OCI artifact, `<tag>@sha256:<digest>`. */
export interface OciRevision {
  type: 'oci';
  raw: string;
  tag: string;
  /** `<algorithm>:<hex>`, e.g. `sha256:…`. */
  digest: string;
}

/** A bare content digest, `sha256:<hex>` (Bucket, or an OCI artifact pulled by digest). */
export interface DigestRevision {
  type: 'digest';
  raw: string;
  digest: string;
}

/** A Helm chart version, e.g. `6.5.4` or `6.6.1+0cc9a8446c95`. */
export interface ChartRevision {
  type: 'chart';
  raw: string;
  version: string;
}

/** A revision in no known format; kept as sent. */
export interface UnknownRevision {
  type: 'unknown';
  raw: string;
}

/** Any revision Flux emits, discriminated by `type`. */
export type Revision = GitRevision | OciRevision | DigestRevision | ChartRevision | UnknownRevision;

/** The zod schema of {@link Revision}, for consumers that read it back from a queue message. */
export const RevisionSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('git'),
    raw: z.string(),
    ref: z.optional(z.string()),
    branch: z.optional(z.string()),
    tag: z.optional(z.string()),
    sha: z.string(),
    legacy: z.optional(z.boolean()),
  }),
  z.object({ type: z.literal('oci'), raw: z.string(), tag: z.string(), digest: z.string() }),
  z.object({ type: z.literal('digest'), raw: z.string(), digest: z.string() }),
  z.object({ type: z.literal('chart'), raw: z.string(), version: z.string() }),
  z.object({ type: z.literal('unknown'), raw: z.string() }),
]);

const CHECKSUM = /^([a-z0-9]+):([0-9a-fA-F]+)$/;
const GIT_SHA = /^[0-9a-fA-F]{7,64}$/;
const LEGACY = /^(.+)\/([0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/;
// Semantic version as Helm prints it: optional v, pre-release and build metadata.
const CHART_VERSION = /^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

function gitRevision(raw: string, pointer: string, sha: string, legacy = false): GitRevision {
  const revision: GitRevision = { type: 'git', raw, sha: sha.toLowerCase() };
  if (pointer !== '') revision.ref = pointer;
  if (pointer.startsWith('refs/heads/')) revision.branch = pointer.slice('refs/heads/'.length);
  else if (pointer.startsWith('refs/tags/')) revision.tag = pointer.slice('refs/tags/'.length);
  else if (pointer !== '' && pointer !== 'HEAD' && !pointer.startsWith('refs/')) revision.branch = pointer;
  if (legacy) revision.legacy = true;
  return revision;
}

/**
 * Parses a Flux revision string. Never throws: a string in no known format is `{ type: 'unknown' }`.
 *
 * @example parseRevision('main@sha1:731f…') // { type: 'git', ref: 'main', branch: 'main', sha: '731f…' }
 */
export function parseRevision(raw: string): Revision {
  const at = raw.lastIndexOf('@');
  const pointer = at >= 0 ? raw.slice(0, at) : '';
  const checksum = CHECKSUM.exec(at >= 0 ? raw.slice(at + 1) : raw);
  if (checksum) {
    const [, algorithm = '', hex = ''] = checksum;
    if (algorithm === 'sha1' && GIT_SHA.test(hex)) return gitRevision(raw, pointer, hex);
    const digest = `${algorithm}:${hex.toLowerCase()}`;
    if (pointer !== '') return { type: 'oci', raw, tag: pointer, digest };
    return { type: 'digest', raw, digest };
  }
  if (at < 0) {
    const legacy = LEGACY.exec(raw);
    if (legacy) return gitRevision(raw, legacy[1] ?? '', legacy[2] ?? '', true);
    if (CHART_VERSION.test(raw)) return { type: 'chart', raw, version: raw };
  }
  return { type: 'unknown', raw };
}

/** A short label for a revision in logs and messages: `main@731f7ea`, `6.5.4@sha256:0cc9a84`, `6.5.4`. */
export function revisionLabel(revision: Revision): string {
  switch (revision.type) {
    case 'git':
      return `${revision.ref ?? 'commit'}@${revision.sha.slice(0, 7)}`;
    case 'oci':
      return `${revision.tag}@${revision.digest.slice(0, revision.digest.indexOf(':') + 8)}`;
    case 'digest':
      return revision.digest.slice(0, revision.digest.indexOf(':') + 8);
    case 'chart':
      return revision.version;
    default:
      return revision.raw;
  }
}

const FULL_COMMIT_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const ABBREVIATED_COMMIT_SHA = /^[0-9a-f]{7,64}$/;

/**
 * Whether `value` is a lower-case git commit id: full (40 hex for SHA-1, 64 for SHA-256) or, with
 * `{ abbreviated: true }`, at least 7 characters, as `git log --oneline` prints it.
 *
 * @example isCommitSha('4f2b1c9') // false
 * @example isCommitSha('4f2b1c9', { abbreviated: true }) // true
 */
export function isCommitSha(value: string, { abbreviated = false }: { abbreviated?: boolean } = {}): boolean {
  return (abbreviated ? ABBREVIATED_COMMIT_SHA : FULL_COMMIT_SHA).test(value);
}

/** What identifies a revision's content: the commit sha, the OCI or artifact digest, or the chart version. */
function identity(revision: Revision): string {
  switch (revision.type) {
    case 'git':
      return revision.sha;
    case 'oci':
    case 'digest':
      return revision.digest;
    case 'chart':
      return revision.version;
    default:
      return revision.raw;
  }
}

/**
 * Whether two Flux revisions name the same content: the same commit (a sha of at least 7 characters
 * matches the full one it starts, so `main@sha1:<40 hex>` matches `4f2b1c9`), the same digest or the
 * same chart version. Strings are parsed with {@link parseRevision}; a bare sha counts as a commit.
 *
 * @example sameRevision('main@sha1:4f2b1c9e8d…', '4f2b1c9') // true
 * @example sameRevision('6.6.1', '6.6.10') // false
 */
export function sameRevision(a: Revision | string, b: Revision | string): boolean {
  const x = asCommitOrRevision(a);
  const y = asCommitOrRevision(b);
  if (x.raw === y.raw) return true;
  const left = identity(x).toLowerCase();
  const right = identity(y).toLowerCase();
  if (left === right) return true;
  if (x.type !== 'git' || y.type !== 'git') return false;
  const [short, long] = left.length <= right.length ? [left, right] : [right, left];
  return isCommitSha(short, { abbreviated: true }) && long.startsWith(short);
}

function asCommitOrRevision(value: Revision | string): Revision {
  if (typeof value !== 'string') return value;
  if (isCommitSha(value.toLowerCase(), { abbreviated: true }))
    return { type: 'git', raw: value, sha: value.toLowerCase() };
  return parseRevision(value);
}
