import { afterEach, describe, expect, it } from 'vitest';
import type { GitRepo } from '../../../sandbox/index.js';
import { APP_PATH, type World, world } from './support/world.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const POLICY_PATH = 'gitops/apps/image-automation/imagepolicy.yaml';
const policyFile = (policy: string) => `# Only the 1.x line.
apiVersion: image.toolkit.fluxcd.io/v1beta2
kind: ImagePolicy
metadata:
  name: web
  namespace: flux-system
spec:
  imageRepositoryRef:
    name: web
  policy:
${policy}
`;
const SEMVER = '    semver:\n      range: ">=1.4.0 <2.0.0" # stable';

const AUTOMATION = 'fluxcdbot <fluxcdbot@users.noreply.github.com>';

/** Commits on main as `author`, by default the image automation's (git fast-import, as GitRepo.commit does for "Dev"). */
async function commitAs(
  repo: GitRepo,
  message: string,
  files: Record<string, string>,
  author = AUTOMATION,
): Promise<string> {
  const parent = await repo.revParse('refs/heads/main^0');
  const chunks: string[] = [
    'commit refs/heads/main\nmark :1\n',
    `author ${author} 1760009999 +0000\n`,
    `committer ${author} 1760009999 +0000\n`,
    `data ${Buffer.byteLength(message)}\n${message}\n`,
    `from ${parent}\n`,
  ];
  for (const [path, content] of Object.entries(files)) {
    chunks.push(`M 100644 inline ${path}\ndata ${Buffer.byteLength(content)}\n${content}\n`);
  }
  await repo.git(['fast-import', '--quiet'], { input: chunks.join('') });
  return repo.revParse('refs/heads/main');
}

/** The next image automation pass: the highest tag the range admits (Masterminds semver constraints, AND-ed). */
function nextAutomationPass(range: string, tags: readonly string[]): string | undefined {
  const parse = (v: string) => v.split('.').map(Number);
  const compare = (a: string, b: string) => {
    const [x, y] = [parse(a), parse(b)];
    for (let i = 0; i < 3; i += 1) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
    return 0;
  };
  const admits = (tag: string) =>
    range
      .split(/[\s,]+/)
      .filter((c) => c !== '')
      .every((c) => {
        const [, op, version] = /^(>=|<=|!=|>|<|=)?(.+)$/.exec(c) as unknown as [
          string,
          string | undefined,
          string,
        ];
        const d = compare(tag, version);
        return op === '>='
          ? d >= 0
          : op === '<='
            ? d <= 0
            : op === '>'
              ? d > 0
              : op === '<'
                ? d < 0
                : op === '!='
                  ? d !== 0
                  : d === 0;
      });
  return tags.filter(admits).sort(compare).at(-1);
}

async function imageAutomationWorld(
  policy: string,
  author = AUTOMATION,
): Promise<{ v: World; failing: string }> {
  const v = await world([{ message: 'Add the image policy', files: { [POLICY_PATH]: policyFile(policy) } }], {
    reapplyPullRequest: false,
  });
  const failing = await commitAs(
    v.repo,
    'chore(images): update web image\n\n- 1.4.2 -> 1.4.3\n',
    {
      [`${APP_PATH}/web.yaml`]: 'image: ghcr.io/acme/shop-web:1.4.3 # {"$imagepolicy": "flux-system:web"}\n',
    },
    author,
  );
  v.deploy({ state: 'imagepull', attempted: failing });
  v.kube.put(automationObject());
  return { v, failing };
}

/** The ImageUpdateAutomation `flux-system/web`, pushing as fluxcdbot to GitRepository flux-system. */
function automationObject() {
  return {
    apiVersion: 'image.toolkit.fluxcd.io/v1beta2',
    kind: 'ImageUpdateAutomation',
    metadata: { name: 'web', namespace: 'flux-system' },
    spec: {
      interval: '30m',
      sourceRef: { kind: 'GitRepository', name: 'flux-system' },
      git: { commit: { author: { name: 'fluxcdbot', email: 'fluxcdbot@users.noreply.github.com' } } },
      update: { strategy: 'Setters', path: './gitops/apps' },
    },
  };
}

describe('a failed rollout pushed by image automation', () => {
  it('reverts it and excludes the bad version in the ImagePolicy in the same commit; the next automation pass picks the good tag', async () => {
    // Prepare
    const { v, failing } = await imageAutomationWorld(SEMVER);
    w = v;

    // Act
    const outcome = await v.run(
      v.flux({ reason: 'HealthCheckFailed', severity: 'error', revision: `main@sha1:${failing}` }),
    );

    // Assess
    expect(outcome).toMatchObject({ kind: 'acted', revert: { outcome: 'reverted' } });
    const after = await v.commitsAfter(failing);
    expect(after).toHaveLength(1);
    const revert = (after[0] as string).split(' ')[0] as string;
    expect((await v.repo.diffNames(failing, revert)).sort()).toEqual(
      [`${APP_PATH}/web.yaml`, POLICY_PATH].sort(),
    );
    const policy = (await v.repo.show(revert, POLICY_PATH)).toString('utf8');
    expect(policy).toBe(policyFile(SEMVER.replace('<2.0.0"', '<2.0.0 !=1.4.3"')));
    const range = /range: "([^"]+)"/.exec(policy)?.[1] ?? '';
    expect(nextAutomationPass(range, ['1.4.2', '1.4.3'])).toBe('1.4.2');
    expect(nextAutomationPass('>=1.4.0 <2.0.0', ['1.4.2', '1.4.3'])).toBe('1.4.3');
    expect(v.alerts()[0]?.actions.map((a) => a.kind)).toContain('image-policy-exclusion');
    expect(v.patches.filter((p) => p.includes('suspend'))).toEqual([]);
  });

  it('treats a person’s change of a `$imagepolicy` line like the automation’s: the bad version is excluded in the same revert', async () => {
    // Prepare: someone bumped the marked tag by hand; the automation would push it again at its next pass
    const { v, failing } = await imageAutomationWorld(SEMVER, 'Dev <dev@example.com>');
    w = v;

    // Act
    const outcome = await v.run(
      v.flux({ reason: 'HealthCheckFailed', severity: 'error', revision: `main@sha1:${failing}` }),
    );

    // Assess
    expect(outcome).toMatchObject({ kind: 'acted', revert: { outcome: 'reverted' } });
    const revert = ((await v.commitsAfter(failing))[0] as string).split(' ')[0] as string;
    const policy = (await v.repo.show(revert, POLICY_PATH)).toString('utf8');
    expect(policy).toContain('!=1.4.3');
    expect(outcome.steps.find((s) => s.step === 'image-automation')?.detail).toContain('$imagepolicy lines');
  });

  it('leaves the ImagePolicy alone when a person’s commit changes no `$imagepolicy` line', async () => {
    // Prepare
    const v = await world(
      [{ message: 'Add the image policy', files: { [POLICY_PATH]: policyFile(SEMVER) } }],
      {
        reapplyPullRequest: false,
      },
    );
    w = v;
    const failing = await commitAs(
      v.repo,
      'Raise the memory limit',
      { [`${APP_PATH}/web.yaml`]: 'image: ghcr.io/acme/shop-web:1.4.2\nmemory: 64Mi\n' },
      'Dev <dev@example.com>',
    );
    v.deploy({ state: 'crashloop', attempted: failing });
    v.kube.put(automationObject());

    // Act
    const outcome = await v.run(
      v.flux({ reason: 'HealthCheckFailed', severity: 'error', revision: `main@sha1:${failing}` }),
    );

    // Assess
    expect(outcome).toMatchObject({ kind: 'acted', revert: { outcome: 'reverted' } });
    const revert = ((await v.commitsAfter(failing))[0] as string).split(' ')[0] as string;
    expect(await v.repo.diffNames(failing, revert)).toEqual([`${APP_PATH}/web.yaml`]);
    expect(outcome.steps.some((s) => s.step === 'image-automation')).toBe(false);
  });

  it('suspends the ImageUpdateAutomation and says so when the policy is not semver', async () => {
    // Prepare
    const { v, failing } = await imageAutomationWorld('    alphabetical:\n      order: asc');
    w = v;

    // Act
    const outcome = await v.run(
      v.flux({ reason: 'HealthCheckFailed', severity: 'error', revision: `main@sha1:${failing}` }),
    );

    // Assess
    expect(outcome).toMatchObject({ kind: 'acted', revert: { outcome: 'reverted' } });
    expect(v.patches).toContain('ImageUpdateAutomation/flux-system/web suspend');
    const suspended = v.alerts()[0]?.actions.find((a) => a.kind === 'automation-suspended');
    expect(suspended?.label).toContain('flux resume image update web -n flux-system');
    expect(outcome.failedActions).toEqual([]);
  });

  it('reverts all the same and lists the suspend in failedActions when the cluster refuses it', async () => {
    // Prepare
    const { v, failing } = await imageAutomationWorld('    alphabetical:\n      order: asc');
    w = v;
    v.kube.faults.push(({ method, path }) =>
      method === 'PATCH' && path.includes('/imageupdateautomations/')
        ? { status: 403, message: 'forbidden' }
        : undefined,
    );

    // Act
    const outcome = await v.run(
      v.flux({ reason: 'HealthCheckFailed', severity: 'error', revision: `main@sha1:${failing}` }),
    );

    // Assess
    expect(outcome).toMatchObject({ kind: 'acted', revert: { outcome: 'reverted' } });
    expect(await v.commitsAfter(failing)).toHaveLength(1);
    expect(outcome.failedActions).toEqual([
      {
        kind: 'suspend-image-update-automation',
        reason: expect.stringMatching(/imageupdateautomations\/web: HTTP 403: forbidden/),
      },
    ]);
  });
});
