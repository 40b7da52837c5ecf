/**
 * Image automation must not undo a revert: the `$imagepolicy` setter markers that say which policy
 * chose an image, and the edit that excludes the bad version in a semver ImagePolicy's file,
 * keeping its comments and layout. Pure.
 *
 * Marker syntax: https://fluxcd.io/flux/guides/image-update/#configure-image-update-for-custom-resources
 *
 * @module
 */
import { isScalar, parseAllDocuments } from 'yaml';
import { IncidentResponseError } from './errors.js';

/** A setter marker on one line: the policy, and the value the automation wrote there. */
export interface ImagePolicyMarker {
  policy: { namespace: string; name: string };
  /** `tag`, `name`, `digest`…, or absent for the whole image reference. */
  field?: string;
  /** The value on the line (an image reference, or a tag for a `:tag` marker). */
  value: string;
  /** The tag the value names. */
  tag?: string;
}

const MARKER =
  /^\s*(?:-\s+)?(?:[\w.-]+:\s*)?["']?([^"'#\s]+)["']?\s*#\s*\{\s*"\$imagepolicy"\s*:\s*"([^":]+):([^":]+)(?::([^"]+))?"\s*\}/;

/**
 * The `$imagepolicy` markers in a file's text.
 *
 * @example imagePolicyMarkers('image: ghcr.io/acme/web:1.4.3 # {"$imagepolicy": "flux-system:web"}')
 * // [{ policy: { namespace: 'flux-system', name: 'web' }, value: 'ghcr.io/acme/web:1.4.3', tag: '1.4.3' }]
 */
export function imagePolicyMarkers(text: string): ImagePolicyMarker[] {
  const markers: ImagePolicyMarker[] = [];
  for (const line of text.split('\n')) {
    const match = MARKER.exec(line);
    if (!match) continue;
    const [, value, namespace, name, field] = match as unknown as [string, string, string, string, string?];
    const marker: ImagePolicyMarker = { policy: { namespace, name }, value };
    if (field) marker.field = field;
    const tag =
      field === 'tag' ? value : field === undefined ? /:([^:/@]+)(?:@.*)?$/.exec(value)?.[1] : undefined;
    if (tag) marker.tag = tag;
    markers.push(marker);
  }
  return markers;
}

/** The markers on lines that differ between two versions of a file (the lines a commit changed). */
export function changedMarkers(before: string, after: string): ImagePolicyMarker[] {
  const old = new Set(before.split('\n'));
  return imagePolicyMarkers(
    after
      .split('\n')
      .filter((line) => !old.has(line))
      .join('\n'),
  );
}

/** The ImagePolicy could not be edited (no such policy in the file, or not a semver policy). */
export class ImagePolicyEditError extends IncidentResponseError {
  override name = 'ImagePolicyEditError';
}

/**
 * Whether `text` holds the ImagePolicy `name` with a `spec.policy.semver.range`.
 */
export function hasSemverPolicy(text: string, name: string): boolean {
  try {
    excludeFromRange(text, name, '0.0.0');
    return true;
  } catch {
    return false;
  }
}

/**
 * The version an ImagePolicy compares for `tag`: with `spec.filterTags` (`pattern` with named
 * groups and `extract`, e.g. `^(?P<version>\d+\.\d+\.\d+)-alpine$` and `$version`), what the
 * pattern extracts, as image-reflector-controller does; without, the tag itself.
 *
 * @throws {ImagePolicyEditError} when the pattern does not match the tag: the policy would never
 *   have selected it, so no exclusion can be derived
 */
function comparedVersion(doc: { getIn(path: unknown[]): unknown }, name: string, tag: string): string {
  const pattern = doc.getIn(['spec', 'filterTags', 'pattern']);
  if (typeof pattern !== 'string' || pattern === '') return tag;
  const extract = doc.getIn(['spec', 'filterTags', 'extract']);
  // Go's named groups are (?P<name>…); JavaScript spells them (?<name>…).
  const match = new RegExp(pattern.replaceAll('(?P<', '(?<')).exec(tag);
  if (!match)
    throw new ImagePolicyEditError(`ImagePolicy ${name} does not select tag ${tag} (filterTags.pattern)`);
  if (typeof extract !== 'string' || extract === '') return tag;
  return extract.replace(
    /\$\{?(\w+)\}?/g,
    (_, group: string) => match.groups?.[group] ?? match[Number(group)] ?? '',
  );
}

/**
 * Appends `!=<version>` to the ImagePolicy's `spec.policy.semver.range` for the bad `tag`, where
 * the version is what the policy's `filterTags` extract from the tag (the value its range compares),
 * editing only that scalar's text, so comments, quoting and layout stay as they were.
 *
 * @example excludeVersion('…\n    semver:\n      range: ">=1.30.1 <1.31.0"\n', 'web', '1.30.2')
 * // '…\n    semver:\n      range: ">=1.30.1 <1.31.0 !=1.30.2"\n'
 * @throws {ImagePolicyEditError} when the file holds no such semver ImagePolicy, or its filter does not select the tag
 */
export function excludeVersion(text: string, name: string, tag: string): string {
  for (const doc of parseAllDocuments(text)) {
    if (!('getIn' in doc)) continue;
    if (doc.get('kind') !== 'ImagePolicy' || doc.getIn(['metadata', 'name']) !== name) continue;
    return excludeFromRange(text, name, comparedVersion(doc, name, tag));
  }
  throw new ImagePolicyEditError(`no ImagePolicy ${name} in the file`);
}

/** Appends `!=<version>` to the range of the ImagePolicy `name` in `text`. */
function excludeFromRange(text: string, name: string, version: string): string {
  for (const doc of parseAllDocuments(text)) {
    if (!('getIn' in doc)) continue;
    if (doc.get('kind') !== 'ImagePolicy' || doc.getIn(['metadata', 'name']) !== name) continue;
    const node = doc.getIn(['spec', 'policy', 'semver', 'range'], true);
    if (!isScalar(node) || typeof node.value !== 'string' || !node.range) {
      throw new ImagePolicyEditError(`ImagePolicy ${name} has no spec.policy.semver.range`);
    }
    const exclusion = `!=${version}`;
    if (node.value.split(/[\s,]+/).includes(exclusion)) return text;
    const [start, end] = node.range;
    const source = text.slice(start, end);
    const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
    const edited = quoted
      ? `${source.slice(0, -1)} ${exclusion}${source.slice(-1)}`
      : `"${node.value} ${exclusion}"`;
    return `${text.slice(0, start)}${edited}${text.slice(end)}`;
  }
  throw new ImagePolicyEditError(`no ImagePolicy ${name} in the file`);
}
