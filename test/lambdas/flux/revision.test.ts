import { describe, expect, it } from 'vitest';
import {
  isCommitSha,
  parseRevision,
  type Revision,
  RevisionSchema,
  revisionLabel,
  sameRevision,
} from '../../../lambdas/flux/revision.js';

const SHA1 = '731f7eaddfb6af01cb2173e18f0f75b0ba780ef1';
const SHA256 = '0cc9a8446c95a3a0d7d6bb2a83e3b5f4f3e0a6a8d8f7b1e9c2d4a6b8c0e2f4a6';

describe('parseRevision', () => {
  it.each<[string, Revision]>([
    [`main@sha1:${SHA1}`, { type: 'git', raw: `main@sha1:${SHA1}`, ref: 'main', branch: 'main', sha: SHA1 }],
    [
      `feature/x@sha1:${SHA1}`,
      { type: 'git', raw: `feature/x@sha1:${SHA1}`, ref: 'feature/x', branch: 'feature/x', sha: SHA1 },
    ],
    [
      `refs/heads/main@sha1:${SHA1}`,
      { type: 'git', raw: `refs/heads/main@sha1:${SHA1}`, ref: 'refs/heads/main', branch: 'main', sha: SHA1 },
    ],
    [
      `refs/tags/v1.2.0@sha1:${SHA1}`,
      {
        type: 'git',
        raw: `refs/tags/v1.2.0@sha1:${SHA1}`,
        ref: 'refs/tags/v1.2.0',
        tag: 'v1.2.0',
        sha: SHA1,
      },
    ],
    [
      `refs/pull/7/head@sha1:${SHA1}`,
      { type: 'git', raw: `refs/pull/7/head@sha1:${SHA1}`, ref: 'refs/pull/7/head', sha: SHA1 },
    ],
    [`sha1:${SHA1}`, { type: 'git', raw: `sha1:${SHA1}`, sha: SHA1 }],
    [
      `main/${SHA1}`,
      { type: 'git', raw: `main/${SHA1}`, ref: 'main', branch: 'main', sha: SHA1, legacy: true },
    ],
    [`HEAD/${SHA1}`, { type: 'git', raw: `HEAD/${SHA1}`, ref: 'HEAD', sha: SHA1, legacy: true }],
    [
      `6.5.4@sha256:${SHA256}`,
      { type: 'oci', raw: `6.5.4@sha256:${SHA256}`, tag: '6.5.4', digest: `sha256:${SHA256}` },
    ],
    [
      `latest@sha256:${SHA256}`,
      { type: 'oci', raw: `latest@sha256:${SHA256}`, tag: 'latest', digest: `sha256:${SHA256}` },
    ],
    [`sha256:${SHA256}`, { type: 'digest', raw: `sha256:${SHA256}`, digest: `sha256:${SHA256}` }],
    ['6.5.4', { type: 'chart', raw: '6.5.4', version: '6.5.4' }],
    ['6.6.1+0cc9a8446c95', { type: 'chart', raw: '6.6.1+0cc9a8446c95', version: '6.6.1+0cc9a8446c95' }],
    ['1.0.0-rc.1', { type: 'chart', raw: '1.0.0-rc.1', version: '1.0.0-rc.1' }],
    ['', { type: 'unknown', raw: '' }],
    ['not a revision', { type: 'unknown', raw: 'not a revision' }],
    ['main@', { type: 'unknown', raw: 'main@' }],
  ])('parses %j', (raw, expected) => {
    // Prepare: the raw revision string from the table

    // Act
    const revision = parseRevision(raw);

    // Assess
    expect(revision).toEqual(expected);
    expect(RevisionSchema.parse(revision)).toEqual(expected);
  });

  it('lower-cases an upper-case commit sha so it compares with git output', () => {
    // Prepare
    const raw = `main@sha1:${SHA1.toUpperCase()}`;

    // Act
    const revision = parseRevision(raw);

    // Assess
    expect(revision).toMatchObject({ type: 'git', sha: SHA1 });
  });

  it.each([
    [`main@sha1:${SHA1}`, 'main@731f7ea'],
    [`sha1:${SHA1}`, 'commit@731f7ea'],
    [`6.5.4@sha256:${SHA256}`, '6.5.4@sha256:0cc9a84'],
    [`sha256:${SHA256}`, 'sha256:0cc9a84'],
    ['6.5.4', '6.5.4'],
    ['odd', 'odd'],
  ])('labels %j as %j', (raw, label) => {
    // Prepare
    const revision = parseRevision(raw);

    // Act
    const text = revisionLabel(revision);

    // Assess
    expect(text).toBe(label);
  });
});

describe('sameRevision', () => {
  it.each([
    ['main@sha1:4f2b1c9e8d7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c', '4f2b1c9e8d7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c', true],
    ['main@sha1:4f2b1c9e8d7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c', '4f2b1c9', true],
    ['main@sha1:4f2b1c9e8d7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c', '4f2b1c', false],
    [
      'main@sha1:4f2b1c9e8d7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c',
      'main@sha1:1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b',
      false,
    ],
    ['6.7.1', '6.7.1', true],
    ['6.7.1', '6.7.2', false],
    ['6.6.1', '6.6.10', false],
    ['latest@sha256:ab12cd34', 'sha256:ab12cd34', true],
  ] as const)('compares %s with %s as %s', (a, b, same) => {
    // Act & Assess
    expect(sameRevision(a, b)).toBe(same);
  });
});

describe('isCommitSha', () => {
  it.each([
    ['4f2b1c9e8d7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c', {}, true],
    ['4f2b1c9', {}, false],
    ['4f2b1c9', { abbreviated: true }, true],
    ['4f2b1c', { abbreviated: true }, false],
    ['4F2B1C9E8D7A6B5C4D3E2F1A0B9C8D7E6F5A4B3C', {}, false],
    ['main', { abbreviated: true }, false],
  ] as const)('says %s with %o is a commit sha: %s', (value, options, expected) => {
    expect(isCommitSha(value, options)).toBe(expected);
  });
});
