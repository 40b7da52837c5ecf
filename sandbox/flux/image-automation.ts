/**
 * image-reflector-controller and image-automation-controller, as far as the repository sees them:
 * an ImagePolicy (from the repository's own file) picks the newest tag its `filterTags` and semver
 * range allow among the tags the registry lists, and the automation rewrites every
 * `{"$imagepolicy": "<ns>:<name>"}` setter marker under its `update.path`, committing as its
 * configured author with its message template's shape.
 *
 * @module
 */
import { parseDocument } from 'yaml';
import type { GitRepo } from '../github/git-repo.js';

/** What one automation pass did. */
export type AutomationPass =
  | { pushed: false; tag: string | undefined; reason: string }
  | { pushed: true; tag: string; previous: string; sha: string; files: string[] };

/** Major, minor, patch and the prerelease (`''` for none), as Masterminds/semver (Flux's) reads them. */
type Version = [number, number, number, string];

function parseVersion(text: string): Version | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?$/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3]), m[4] ?? ''] : undefined;
}

/** Semver precedence: numbers first; then a prerelease sorts before the release. */
function compare(a: Version, b: Version): number {
  const numbers = a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
  if (numbers !== 0) return numbers;
  if (a[3] === b[3]) return 0;
  if (a[3] === '') return 1;
  if (b[3] === '') return -1;
  return a[3] < b[3] ? -1 : 1;
}

/**
 * Whether `version` satisfies a semver range of space-separated comparators (`>=1.30.1 <1.31.0
 * !=1.30.2`), the subset the gitops tree and fluxguard's exclusion use; `||` alternatives too. As in
 * Masterminds/semver, `!=1.30.2-alpine` names the prerelease `1.30.2-alpine`, not `1.30.2`.
 */
export function satisfies(version: string, range: string): boolean {
  const v = parseVersion(version);
  if (!v) return false;
  return range.split('||').some((alternative) =>
    alternative
      .trim()
      .split(/\s+/)
      .filter((c) => c !== '')
      .every((comparator) => {
        const m = /^(>=|<=|!=|>|<|=)?\s*(.+)$/.exec(comparator);
        const bound = parseVersion(m?.[2] ?? '');
        if (!m || !bound) return false;
        const c = compare(v, bound);
        switch (m[1] ?? '=') {
          case '>=':
            return c >= 0;
          case '<=':
            return c <= 0;
          case '>':
            return c > 0;
          case '<':
            return c < 0;
          case '!=':
            return c !== 0;
          default:
            return c === 0;
        }
      }),
  );
}

/** An ImagePolicy's tag selection: `filterTags` (Go regexp named groups as JS ones) and a semver range. */
export interface TagPolicy {
  pattern?: string;
  extract?: string;
  range: string;
}

/** Reads `spec.filterTags` and `spec.policy.semver.range` from an ImagePolicy file's text. */
export function tagPolicy(yamlText: string): TagPolicy {
  const spec =
    (parseDocument(yamlText).toJS() as { spec?: Record<string, Record<string, unknown>> }).spec ?? {};
  const range = (spec.policy?.semver as { range?: string } | undefined)?.range;
  if (!range) throw new Error('the simulator follows semver ImagePolicies only');
  const pattern = spec.filterTags?.pattern as string | undefined;
  const extract = spec.filterTags?.extract as string | undefined;
  return { range, ...(pattern ? { pattern } : {}), ...(extract ? { extract } : {}) };
}

/** The tag the policy selects among `tags`, or `undefined`. */
export function selectTag(policy: TagPolicy, tags: readonly string[]): string | undefined {
  const regexp = policy.pattern ? new RegExp(policy.pattern.replace(/\(\?P</g, '(?<')) : undefined;
  let best: { tag: string; version: Version } | undefined;
  for (const tag of tags) {
    const match = regexp ? regexp.exec(tag) : null;
    if (regexp && !match) continue;
    const extracted =
      match && policy.extract
        ? policy.extract.replace(/\$(\w+)/g, (_, g: string) => match.groups?.[g] ?? '')
        : tag;
    const version = parseVersion(extracted);
    if (!version || !satisfies(extracted, policy.range)) continue;
    if (!best || compare(version, best.version) > 0) best = { tag, version };
  }
  return best?.tag;
}

/** Options of {@link ImageAutomation}. */
export interface ImageAutomationOptions {
  repo: GitRepo;
  branch?: string;
  /** The ImagePolicy's file and `<namespace>:<name>` (its markers' reference). */
  policyFile: string;
  policyRef: string;
  /** The automation's `update.path` (without `./`). */
  updatePath: string;
  /** The automation's `git.commit.author`. */
  author: { name: string; email: string };
  /** The automation object, for the message (`<namespace>/<name>`). */
  automation: string;
}

/**
 * One ImageUpdateAutomation with its ImagePolicy.
 *
 * @example
 * ```ts
 * const automation = new ImageAutomation({ repo, policyFile, policyRef: 'flux-system:app', updatePath, author, automation });
 * await automation.run(['1.30.1-alpine', '1.30.2-alpine']); // commits the markers' new tag
 * ```
 */
export class ImageAutomation {
  readonly #o: ImageAutomationOptions;

  constructor(options: ImageAutomationOptions) {
    this.#o = options;
  }

  /** One pass: select a tag from the registry's `tags` and push a commit when the markers change. */
  async run(tags: readonly string[]): Promise<AutomationPass> {
    const { repo } = this.#o;
    const branch = this.#o.branch ?? 'main';
    const head = await repo.revParse(`refs/heads/${branch}`);
    const policy = tagPolicy((await repo.show(head, this.#o.policyFile)).toString('utf8'));
    const tag = selectTag(policy, tags);
    if (!tag) return { pushed: false, tag, reason: 'no tag satisfies the policy' };
    const files = (await repo.git(['ls-tree', '-r', '--name-only', head, '--', this.#o.updatePath]))
      .split('\n')
      .filter((f) => /\.ya?ml$/.test(f));
    const marker = `{"$imagepolicy": "${this.#o.policyRef}`;
    const changed: Record<string, string> = {};
    let previous = '';
    for (const file of files) {
      const text = (await repo.show(head, file)).toString('utf8');
      if (!text.includes(marker)) continue;
      const next = text
        .split('\n')
        .map((line) => {
          const at = line.indexOf(`# ${marker}`);
          if (at < 0) return line;
          const tagOnly = line.slice(at).includes(`${this.#o.policyRef}:tag"`);
          const value = /(\S+)\s+$/.exec(line.slice(0, at))?.[1] ?? '';
          const colon = value.lastIndexOf(':');
          const oldTag = tagOnly ? value : value.slice(colon + 1);
          if (!previous) previous = oldTag;
          const replaced = tagOnly ? tag : `${value.slice(0, colon)}:${tag}`;
          return `${line.slice(0, at).replace(/\S+(\s+)$/, `${replaced}$1`)}${line.slice(at)}`;
        })
        .join('\n');
      if (next !== text) changed[file] = next;
    }
    if (Object.keys(changed).length === 0)
      return { pushed: false, tag, reason: 'the markers already name it' };
    const message = [
      `chore(images): update ${this.#o.policyRef.split(':')[1] ?? 'the'} image`,
      '',
      `- ${previous} -> ${tag}`,
      '',
      `Automation: ${this.#o.automation}`,
      'Files:',
      ...Object.keys(changed).map((f) => `- ${f}`),
      '',
    ].join('\n');
    const [sha] = await repo.commit(branch, [{ message, files: changed, author: this.#o.author }]);
    return { pushed: true, tag, previous, sha: sha as string, files: Object.keys(changed) };
  }
}
