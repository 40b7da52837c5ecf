import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeReplayCommand, replayExitCode } from '../../cli/commands/replay.js';
import { main } from '../../cli/main.js';
import { unavailableReason } from '../../cli/unavailable.js';
import {
  createIncidentDeps,
  type IncidentOutcome,
  ObjectBusyError,
} from '../../lambdas/incident-response/index.js';
import type { CommitSpec } from '../../sandbox/index.js';
import { APP_PATH, BUMP, type World, world } from '../lambdas/incident-response/support/world.js';
import { captureIO } from '../support/capture-io.js';

let w: World | undefined;
let dir = '';
const AWS_KEYS = [
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_SNS',
  'AWS_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
];
const saved = { ...process.env };
afterEach(async () => {
  for (const key of AWS_KEYS) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
  await w?.close();
  w = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = '';
});

const APPS = { cluster: 'prod', kind: 'Kustomization', namespace: 'flux-system', name: 'apps' } as const;

/**
 * A world whose Kustomization flux-system/apps fails on its newest commit, a Flux
 * HealthCheckFailed event for it in a file, and the worker's environment pointing at the world
 * (the AWS SDK reads process.env, so the endpoint and credentials go there).
 */
async function failingRollout(
  commits: readonly CommitSpec[] = [BUMP],
  env: Record<string, string> = {},
  /** Pushes the failing commit itself (else the newest of `commits` fails) and returns its SHA. */
  push?: (v: World) => Promise<string>,
): Promise<{ w: World; event: string; env: Record<string, string>; failing: string }> {
  const v = await world(commits);
  w = v;
  dir = await mkdtemp(join(tmpdir(), 'fluxguard-replay-'));
  process.env.AWS_ENDPOINT_URL = v.db.url;
  process.env.AWS_REGION = 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID = 'local';
  process.env.AWS_SECRET_ACCESS_KEY = 'local';
  const failing = push ? await push(v) : (v.shas.at(-1) as string);
  v.deploy({ state: push ? 'imagepull' : 'crashloop', attempted: failing });
  const kubeconfig = join(dir, 'kubeconfig');
  await writeFile(kubeconfig, v.kube.kubeConfig().exportConfig());
  const input = v.flux({ reason: 'HealthCheckFailed', severity: 'error', revision: `main@sha1:${failing}` });
  const event = join(dir, 'event.json');
  await writeFile(event, JSON.stringify(input.source === 'flux' ? input.message.raw : {}));
  return {
    w: v,
    event,
    failing,
    env: {
      STATE_TABLE_NAME: v.tableName,
      ENVIRONMENT: 'production',
      KUBECONFIG: kubeconfig,
      GITHUB_TOKEN: 'test-token',
      GITHUB_API_URL: v.github.url,
      CONFIRM_INTERVAL_SECONDS: '0',
      REAPPLY_PR: 'false',
      CLUSTER_NAME: '',
      ...env,
    },
  };
}

const replayArgs = (event: string, v: World) => [
  'replay',
  event,
  '--checks',
  '2',
  '--now',
  v.clock.now.toISOString(),
];

describe('fluxguard replay: the event file is the user’s input', () => {
  const configured = {
    STATE_TABLE_NAME: 't',
    ENVIRONMENT: 'production',
    KUBECONFIG: '/nowhere/kubeconfig',
    GITHUB_TOKEN: 'x',
  };

  it('exits 64 naming a file that does not exist', async () => {
    const io = captureIO(configured);

    const code = await main(['replay', '/nowhere/event.json'], io);

    expect(code).toBe(64);
    expect(io.err[0]).toMatch(/^error: cannot read the event file \/nowhere\/event\.json: no such file/);
  });

  it('exits 64 naming a directory given as the event file, and a file that is not JSON', async () => {
    dir = await mkdtemp(join(tmpdir(), 'fluxguard-replay-'));
    const notJson = join(dir, 'event.json');
    await writeFile(notJson, 'reason: HealthCheckFailed\n');
    const asDirectory = captureIO(configured);
    const asText = captureIO(configured);

    expect(await main(['replay', dir], asDirectory)).toBe(64);
    expect(await main(['replay', notJson], asText)).toBe(64);

    expect(asDirectory.err[0]?.split('\n')[0]).toBe(
      `error: cannot read the event file ${dir}: it is a directory`,
    );
    expect(asText.err[0]?.split('\n')[0]).toBe(`error: ${notJson}: the event file is not JSON`);
  });
});

describe('fluxguard replay: a service it needs is unavailable (69)', () => {
  it('exits 69 with one line when DynamoDB refuses the connection', async () => {
    const r = await failingRollout();
    process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:1';
    const io = captureIO(r.env);

    const code = await main(replayArgs(r.event, r.w), io);

    expect(code).toBe(69);
    expect(io.err).toHaveLength(1);
    expect(io.err[0]).toMatch(/^error: unavailable: .*ECONNREFUSED 127\.0\.0\.1:1/);
  });

  it('exits 69 with one line when SNS refuses the connection for the alert', async () => {
    const r = await failingRollout([BUMP], {
      ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:fluxguard-alerts',
    });
    process.env.AWS_ENDPOINT_URL_SNS = 'http://127.0.0.1:1';
    const io = captureIO(r.env);

    const code = await main(replayArgs(r.event, r.w), io);

    expect(code).toBe(69);
    expect(io.err).toHaveLength(1);
    expect(io.err[0]).toMatch(/^error: unavailable: .*ECONNREFUSED 127\.0\.0\.1:1$/);
  });

  it('exits 69 saying who holds the object when another worker holds its lease', async () => {
    const r = await failingRollout();
    const until = new Date(r.w.clock.now.getTime() + 300_000);
    await r.w.store.takeLease(APPS, 'worker-elsewhere', until, r.w.clock.now);
    // The Lambda's in-process wait for the lease (60 s) is not what this test is about.
    const replay = makeReplayCommand({
      compose: (wiring, publishers) =>
        createIncidentDeps({ ...wiring, settings: { ...wiring.settings, leaseWaitMs: 0 } }, publishers),
    });
    const io = captureIO(r.env);

    const code = await main(replayArgs(r.event, r.w), io, [replay]);

    expect(code).toBe(69);
    expect(io.err).toEqual([
      expect.stringMatching(
        /^error: unavailable: prod\/Kustomization\/flux-system\/apps is being handled by another worker \(worker-elsewhere\)/,
      ),
    ]);
    expect(await r.w.commitsAfter(r.w.shas[0] as string)).toHaveLength(1); // nothing reverted
  });

  it.each([
    [
      'a connection refused on the way to AWS',
      Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), {
        code: 'ECONNREFUSED',
        $metadata: { attempts: 3 },
      }),
      /ECONNREFUSED/,
    ],
    [
      'missing credentials',
      Object.assign(new Error('Could not load credentials from any providers'), {
        name: 'CredentialsProviderError',
      }),
      /CredentialsProviderError: Could not load credentials/,
    ],
    [
      'throttling',
      Object.assign(new Error('Rate exceeded'), {
        name: 'ThrottlingException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
      }),
      /ThrottlingException: Rate exceeded/,
    ],
    [
      'a busy object',
      new ObjectBusyError('o is being handled by another worker'),
      /o is being handled by another worker/,
    ],
    [
      'fetch failing to connect',
      new TypeError('fetch failed', {
        cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      }),
      /fetch failed \(connect ECONNREFUSED\)/,
    ],
  ])('reads %s as unavailable, in one line', (_name, error, reason) => {
    const line = unavailableReason(error);
    expect(line).toMatch(reason);
    expect(line).not.toContain('\n');
  });

  it('does not read a bug as unavailable', () => {
    expect(unavailableReason(new TypeError("Cannot read properties of undefined (reading 'x')"))).toBe(
      undefined,
    );
  });
});

describe('fluxguard replay: an action the pipeline attempted failed (1)', () => {
  it('exits 1 when Flux could not be asked to reconcile after the revert was pushed', async () => {
    const r = await failingRollout();
    r.w.kube.faults.push(({ method, path }) =>
      method === 'PATCH' && path.includes('/gitrepositories/')
        ? { status: 403, message: 'forbidden' }
        : undefined,
    );
    const io = captureIO(r.env);

    const code = await main(replayArgs(r.event, r.w), io);

    expect(await r.w.commitsAfter(r.w.shas[0] as string)).toHaveLength(2); // the bump and its revert
    expect(code).toBe(1);
    expect(io.out.join('\n')).toMatch(/^failed +reconcile: .*forbidden/m);
  });

  it('exits 1 when the reapply pull request could not be opened', async () => {
    const r = await failingRollout([BUMP], { REAPPLY_PR: 'true' });
    r.w.github.fail({ method: 'POST', path: /\/pulls$/, status: 403, times: 5 });
    const io = captureIO(r.env);

    const code = await main(replayArgs(r.event, r.w), io);

    expect(code).toBe(1);
    expect(io.out.join('\n')).toMatch(/^failed +reapply-pull-request: /m);
  });

  it('exits 1 when the ImageUpdateAutomation that pushed the failing commit could not be suspended', async () => {
    // The automation pushes as fluxcdbot; its ImagePolicy is not semver, so the bad version cannot be
    // excluded in git and the worker suspends the automation instead.
    const policy = {
      message: 'Add the image policy',
      files: {
        'gitops/apps/image-automation/imagepolicy.yaml':
          'apiVersion: image.toolkit.fluxcd.io/v1beta2\nkind: ImagePolicy\nmetadata:\n  name: web\n  namespace: flux-system\nspec:\n  imageRepositoryRef:\n    name: web\n  policy:\n    alphabetical:\n      order: asc\n',
      },
    };
    const r = await failingRollout([policy], {}, async (v) => {
      const author = 'fluxcdbot <fluxcdbot@users.noreply.github.com>';
      const content = 'image: ghcr.io/acme/shop-web:1.4.3 # {"$imagepolicy": "flux-system:web"}\n';
      const message = 'chore(images): update web image\n';
      const parent = await v.repo.revParse('refs/heads/main^0');
      await v.repo.git(['fast-import', '--quiet'], {
        input: [
          'commit refs/heads/main\n',
          `author ${author} 1760009999 +0000\ncommitter ${author} 1760009999 +0000\n`,
          `data ${Buffer.byteLength(message)}\n${message}\nfrom ${parent}\n`,
          `M 100644 inline ${APP_PATH}/web.yaml\ndata ${Buffer.byteLength(content)}\n${content}\n`,
        ].join(''),
      });
      v.kube.put({
        apiVersion: 'image.toolkit.fluxcd.io/v1beta2',
        kind: 'ImageUpdateAutomation',
        metadata: { name: 'web', namespace: 'flux-system' },
        spec: {
          sourceRef: { kind: 'GitRepository', name: 'flux-system' },
          git: { commit: { author: { name: 'fluxcdbot', email: 'fluxcdbot@users.noreply.github.com' } } },
        },
      });
      return v.repo.revParse('refs/heads/main');
    });
    r.w.kube.faults.push(({ method, path }) =>
      method === 'PATCH' && path.includes('/imageupdateautomations/')
        ? { status: 403, message: 'forbidden' }
        : undefined,
    );
    const io = captureIO(r.env);

    const code = await main(replayArgs(r.event, r.w), io);

    expect(await r.w.commitsAfter(r.failing)).toHaveLength(1); // reverted all the same
    expect(code).toBe(1);
    expect(io.out.join('\n')).toMatch(
      /^failed +suspend-image-update-automation: PATCH .*imageupdateautomations\/web: HTTP 403: forbidden$/m,
    );
  });

  it('exits 1 when the revert engine refuses the reapply pull request (nothing threw)', async () => {
    const r = await failingRollout([BUMP], { REAPPLY_PR: 'true' });
    const github = r.w.github;
    // Once the revert is pushed, GitHub truncates every tree listing: the reapply commit cannot be made.
    github.beforeHandle = async (request) => {
      if (request.method === 'PATCH' && /\/git\/refs\/heads(\/|%2F)main$/i.test(request.path)) {
        github.fail({
          method: 'GET',
          path: /\/git\/trees\//,
          status: 200,
          body: { sha: '0'.repeat(40), url: '', tree: [], truncated: true },
          times: 10,
        });
      }
    };
    const io = captureIO(r.env);

    const code = await main(replayArgs(r.event, r.w), io);

    expect(await r.w.commitsAfter(r.failing)).toHaveLength(1); // the revert
    expect(github.pulls).toEqual([]);
    expect(code).toBe(1);
    expect(io.out.join('\n')).toMatch(
      /^failed +reapply-pull-request: refused: the trees are too large for GitHub to list$/m,
    );
  });

  it('exits 1 when the revert engine refuses to push', async () => {
    const handRevert: CommitSpec = {
      message: 'Undo the web bump by hand\n\nFluxguard-Revert-Of: 0123456789abcdef0123456789abcdef01234567',
      files: {
        [`${APP_PATH}/web.yaml`]:
          'image: ghcr.io/acme/shop-web:1.4.1 # {"$imagepolicy": "flux-system:web"}\n',
      },
    };
    const r = await failingRollout([handRevert, BUMP]);
    const good = r.w.shas[0] as string;
    await r.w.store.putKnownGood(APPS, {
      revision: `main@sha1:${good}`,
      sha: good,
      at: '2026-05-04T11:00:00Z',
    });
    const io = captureIO(r.env);

    const code = await main(replayArgs(r.event, r.w), io);

    expect(code).toBe(1);
    expect(io.out.join('\n')).toMatch(
      /^failed +revert: refused \(revert-of-revert\): .*is itself a fluxguard revert/m,
    );
    expect(await r.w.commitsAfter(r.failing)).toEqual([]);
  });

  it('exits 0 when the pipeline completed and every action it attempted succeeded', async () => {
    const r = await failingRollout([BUMP], { REAPPLY_PR: 'true' });
    const io = captureIO(r.env);

    const code = await main(replayArgs(r.event, r.w), io);

    expect(code).toBe(0);
    expect(io.out.join('\n')).not.toMatch(/^failed/m);
    expect(io.out.join('\n')).toMatch(/^action +Reapply pull request #\d+ http/m);
  });
});

describe('replayExitCode', () => {
  const outcome = (extra: Partial<IncidentOutcome>): IncidentOutcome => ({
    kind: 'acted',
    code: 'confirmed-failure',
    source: 'flux',
    actions: [],
    steps: [],
    failedActions: [],
    ...extra,
  });

  it.each([
    ['a pushed revert', outcome({ revert: { outcome: 'reverted', reason: 'pushed' } }), 0],
    [
      'a revert pull request',
      outcome({ revert: { outcome: 'pull-request-opened', reason: 'conflicts' } }),
      0,
    ],
    ['a decision to alert only', outcome({ kind: 'alerted', code: 'inconclusive' }), 0],
    ['an action that threw', outcome({ kind: 'failed', code: 'action-failed' }), 1],
    ['a refused revert', outcome({ kind: 'alerted', revert: { outcome: 'refused', reason: 'no' } }), 1],
    ['a timed-out revert', outcome({ kind: 'alerted', revert: { outcome: 'timed-out', reason: 'late' } }), 1],
    ['a failed side action', outcome({ failedActions: [{ kind: 'reconcile', reason: 'forbidden' }] }), 1],
  ] as const)('answers for %s', (_name, o, code) => {
    expect(replayExitCode(o)).toBe(code);
  });
});
