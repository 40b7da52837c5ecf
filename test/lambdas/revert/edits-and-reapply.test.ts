import { afterEach, describe, expect, it } from 'vitest';
import { parseTrailers } from '../../../lambdas/revert/index.js';
import { type Harness, harness, revertIn, SCOPE } from './support/harness.js';

let h: (Harness & { shas: string[] }) | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const POLICY = 'clusters/prod/image-automation/imagepolicy.yaml';
const POLICY_TEXT = [
  'apiVersion: image.toolkit.fluxcd.io/v1beta2',
  'kind: ImagePolicy',
  'spec:',
  '  policy:',
  '    semver:',
  "      range: '>=1.0.0' # newest stable",
  '',
].join('\n');
const exclude = (version: string) => (content: string) => {
  const next = content.replace(/range: '([^']*)'/, `range: '$1 !=${version}'`);
  if (next === content) throw new Error('no semver range in the ImagePolicy');
  return next;
};

/** A repository where image automation bumped web to a broken 2.0.0. */
async function brokenImageUpdate() {
  h = await harness([
    { message: 'Image policy', files: { [POLICY]: POLICY_TEXT } },
    {
      message: 'chore(images): update web to 2.0.0',
      files: { [`${SCOPE}/app.yaml`]: 'image: web:2.0.0\nreplicas: 2\n' },
    },
  ]);
  const [good, failing] = h.shas as [string, string];
  return { h, good, failing };
}

describe('edits in the revert commit', () => {
  it('excludes the bad version in the ImagePolicy in the same commit that restores the app', async () => {
    // Prepare
    const { h, good, failing } = await brokenImageUpdate();

    // Act
    const result = await revertIn(h, failing, { good, edits: [{ path: POLICY, edit: exclude('2.0.0') }] });

    // Assess
    expect(result.outcome).toBe('reverted');
    const head = await h.repo.revParse('refs/heads/main');
    expect((await h.repo.git(['show', '-s', '--format=%P', head])).trim()).toBe(failing);
    expect((await h.repo.show(head, `${SCOPE}/app.yaml`)).toString()).toBe('image: web:1.0.0\nreplicas: 2\n');
    expect((await h.repo.show(head, POLICY)).toString()).toBe(
      POLICY_TEXT.replace("'>=1.0.0'", "'>=1.0.0 !=2.0.0'"),
    );
    expect(await h.repo.git(['log', '-1', '--format=%B', head])).toContain(
      `Also changed in this commit:\n- ${POLICY}`,
    );
  });

  it('refuses, writing nothing, when an edit throws', async () => {
    // Prepare
    const { h, good, failing } = await brokenImageUpdate();

    // Act
    const result = await revertIn(h, failing, {
      good,
      edits: [{ path: `${SCOPE}/config.yaml`, edit: exclude('2.0.0') }],
    });

    // Assess
    expect(result).toMatchObject({ outcome: 'refused', refusal: 'edit-failed' });
    expect(result.reason).toContain('no semver range in the ImagePolicy');
    expect(await h.repo.revParse('refs/heads/main')).toBe(failing);
  });

  it('carries the edit into the pull request variant', async () => {
    // Prepare
    const { h, good, failing } = await brokenImageUpdate();

    // Act
    const result = await revertIn(h, failing, {
      good,
      mode: 'pull-request',
      edits: [{ path: POLICY, edit: exclude('2.0.0') }],
    });

    // Assess
    expect(result.outcome).toBe('pull-request-opened');
    expect((await h.repo.show(`refs/heads/${result.pullRequestBranch}`, POLICY)).toString()).toContain(
      '!=2.0.0',
    );
  });

  it('answers already-reverted with the pushed commit when retried after a crash before the caller recorded it', async () => {
    // Prepare
    const { h, good, failing } = await brokenImageUpdate();
    const request = { good, edits: [{ path: POLICY, edit: exclude('2.0.0') }] };
    const first = await revertIn(h, failing, request);

    // Act
    const retry = await revertIn(h, failing, request);

    // Assess
    expect(retry.outcome).toBe('already-reverted');
    expect(retry.commitSha).toBe(first.commitSha);
    expect(await h.repo.revParse('refs/heads/main')).toBe(first.commitSha);
  });
});

describe('the reapply pull request', () => {
  it('opens a draft that puts the reverted change back on top of the revert and mentions its author, once', async () => {
    // Prepare
    const { h, good, failing } = await brokenImageUpdate();
    const revert = await revertIn(h, failing, { good, edits: [{ path: POLICY, edit: exclude('2.0.0') }] });

    // Act
    const first = await h.engine.openReapplyPullRequest({ revert, branch: 'main', incident: h.incident });
    const again = await h.engine.openReapplyPullRequest({ revert, branch: 'main', incident: h.incident });

    // Assess
    const branch = `fluxguard/reapply-${failing.slice(0, 7)}`;
    expect(first).toMatchObject({ outcome: 'pull-request-opened', pullRequestBranch: branch });
    expect(again).toMatchObject({ outcome: 'already-open', pullRequestNumber: first.pullRequestNumber });
    const tip = await h.repo.revParse(`refs/heads/${branch}`);
    expect((await h.repo.git(['show', '-s', '--format=%P', tip])).trim()).toBe(revert.commitSha);
    expect(await h.repo.diffNames(failing, tip, [SCOPE])).toEqual([]);
    expect((await h.repo.show(tip, POLICY)).toString()).toContain('!=2.0.0');
    const pull = h.fake.pulls.find((p) => p.head === branch);
    expect(pull?.draft).toBe(true);
    expect(pull?.body).toContain('@dev');
    const trailers = parseTrailers(await h.repo.git(['log', '-1', '--format=%B', tip]));
    expect(trailers.map((t) => t.key)).toEqual(['Fluxguard-Reapply-Of', 'Fluxguard-Incident']);
  });

  it('reapplies from an already-reverted answer too', async () => {
    // Prepare
    const { h, good, failing } = await brokenImageUpdate();
    await revertIn(h, failing, { good });
    const already = await revertIn(h, failing, { good });

    // Act
    const result = await h.engine.openReapplyPullRequest({
      revert: already,
      branch: 'main',
      incident: h.incident,
    });

    // Assess
    expect(already.outcome).toBe('already-reverted');
    expect(result.outcome).toBe('pull-request-opened');
    const tip = await h.repo.revParse(`refs/heads/${result.pullRequestBranch}`);
    expect(await h.repo.diffNames(failing, tip)).toEqual([]);
  });
});
