import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  loadPlatformConfig,
  rawPlatformConfig,
  VPC_CIDRS,
  validatePlatformConfig,
} from '../../lib/config.js';

interface RawEnvironment {
  [key: string]: unknown;
  regions: Array<Record<string, unknown>>;
  nodeGroups: Array<Record<string, unknown>>;
}
type Raw = { environments: RawEnvironment[] };

/** The placeholder configuration with `change` applied to its raw form. */
function configWith(change: (raw: Raw) => void, context: Record<string, unknown> = {}): () => unknown {
  const raw = rawPlatformConfig((key) => context[key]) as Raw;
  change(raw);
  return () => validatePlatformConfig(raw);
}

/** Runs `build` and returns the ConfigError it throws. */
function configErrorOf(build: () => unknown): ConfigError {
  try {
    build();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('the platform configuration', () => {
  it('is valid with the placeholder context, so cdk synth runs offline', () => {
    // Act
    const config = loadPlatformConfig(() => undefined);

    // Assess
    expect(config.environments.map((env) => env.name)).toEqual(['staging', 'production']);
    for (const env of config.environments) {
      expect(env.regions.map((r) => r.region)).toEqual(['us-east-1', 'eu-central-1']);
    }
  });

  it('gives every VPC its own /16, so staging regions no longer share 10.0.0.0/16', () => {
    expect(VPC_CIDRS).toEqual({
      staging: { 'eu-central-1': '10.0.0.0/16', 'us-east-1': '10.1.0.0/16' },
      production: { 'us-east-1': '10.10.0.0/16', 'eu-central-1': '10.20.0.0/16' },
    });
  });

  it('differs between staging and production where the issue says it must', () => {
    // Act
    const [staging, production] = loadPlatformConfig(() => undefined).environments;

    // Assess
    expect(staging).toMatchObject({
      natGateways: 1,
      logRetentionDays: 7,
      deletionProtection: false,
      removalPolicy: 'destroy',
    });
    expect(staging?.nodeGroups.some((group) => group.capacityType === 'SPOT')).toBe(true);
    expect(production).toMatchObject({ natGateways: 3, deletionProtection: true, removalPolicy: 'retain' });
    expect(production?.logRetentionDays).toBeGreaterThanOrEqual(90);
    expect(production?.nodeGroups.every((group) => group.capacityType === 'ON_DEMAND')).toBe(true);
  });

  it('reads accounts, domain, zone, repository and admins from context, with lists as comma-separated strings', () => {
    // Prepare
    const context: Record<string, string> = {
      productionAccount: '333333333333',
      productionDomain: 'example.org',
      productionHostedZoneId: 'Z123ABC',
      gitRepositoryUrl: 'https://github.com/acme/platform',
      gitBranch: 'release',
      productionAdminPrincipalArns:
        'arn:aws:iam::333333333333:role/admin-a, arn:aws:iam::333333333333:user/admin-b',
    };

    // Act
    const production = loadPlatformConfig((key) => context[key]).environments[1];

    // Assess
    expect(production).toMatchObject({
      account: '333333333333',
      domain: 'example.org',
      hostedZone: { id: 'Z123ABC', create: false },
      git: { url: 'https://github.com/acme/platform', branch: 'release' },
      adminPrincipalArns: [
        'arn:aws:iam::333333333333:role/admin-a',
        'arn:aws:iam::333333333333:user/admin-b',
      ],
    });
  });

  it('gives the guard view access by default to every namespace the gitops tree runs workloads in', () => {
    // Act
    const config = loadPlatformConfig(() => undefined);

    // Assess: sre-challenge holds the apps; kube-system, monitoring, logging and external-secrets
    // hold the HelmReleases the fluxguard Alert reports on; flux-system holds the Flux objects.
    for (const env of config.environments) {
      expect([...env.guardNamespaces].sort()).toEqual(
        ['external-secrets', 'flux-system', 'kube-system', 'logging', 'monitoring', 'sre-challenge'].sort(),
      );
    }
  });

  it('reads the guard settings per environment from context, with safe defaults', () => {
    // Prepare
    const context: Record<string, string> = {
      productionGuardMode: 'pull-request',
      productionGuardDryRun: 'true',
      productionAlertEmails: 'oncall@example.com, sre@example.com',
      productionSlackWorkspaceId: 'T0123456789',
      productionSlackChannelId: 'C0123456789',
      productionSlackNotifier: 'true',
      productionPublicWebhook: 'true',
      githubApiUrl: 'https://github.example.com/api/v3',
    };

    // Act
    const [staging, production] = loadPlatformConfig((key) => context[key]).environments;

    // Assess
    expect(staging?.guard).toEqual({
      mode: 'revert',
      dryRun: false,
      githubApiUrl: 'https://github.example.com/api/v3',
      alertEmails: [],
      slackNotifier: false,
      publicWebhook: false,
    });
    expect(production?.guard).toEqual({
      mode: 'pull-request',
      dryRun: true,
      githubApiUrl: 'https://github.example.com/api/v3',
      alertEmails: ['oncall@example.com', 'sre@example.com'],
      chatbotSlack: { workspaceId: 'T0123456789', channelId: 'C0123456789' },
      slackNotifier: true,
      publicWebhook: true,
    });
    expect(staging?.fluxguardWebhookUrl).toBeUndefined();
  });

  it('names the guard field that is wrong', () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ stagingGuardMode: 'yolo' }, 'environments.staging.guard.mode'],
      [{ productionAlertEmails: 'not-an-email' }, 'environments.production.guard.alertEmails.0'],
      [{ stagingSlackWorkspaceId: 'T0123456789' }, 'environments.staging.guard.chatbotSlack.channelId'],
      [{ githubApiUrl: 'http://github.example.com' }, 'environments.staging.guard.githubApiUrl'],
    ];
    for (const [context, field] of cases) {
      const error = configErrorOf(() => loadPlatformConfig((key) => context[key]));
      expect(error.field, JSON.stringify(context)).toBe(field);
    }
  });

  it('names the field when an account id is malformed', () => {
    // Act
    const error = configErrorOf(() =>
      loadPlatformConfig((key) => (key === 'stagingAccount' ? '12345' : undefined)),
    );

    // Assess
    expect(error.field).toBe('environments.staging.account');
    expect(error.message).toContain('environments.staging.account: must be a 12-digit AWS account id');
  });

  it('names the field when production keeps logs for less than 90 days', () => {
    const error = configErrorOf(
      configWith((raw) => {
        const production = raw.environments[1];
        if (production) production.logRetentionDays = 30;
      }),
    );
    expect(error.field).toBe('environments.production.logRetentionDays');
  });

  it('rejects a SPOT group in production', () => {
    const error = configErrorOf(
      configWith((raw) => {
        const [staging, production] = raw.environments;
        if (staging && production) production.nodeGroups = [...staging.nodeGroups];
      }),
    );
    expect(error.field).toBe('environments.production.nodeGroups');
    expect(error.message).toContain('production runs no SPOT group');
  });

  it('names the region when two VPCs overlap', () => {
    // Act: the original design's shared staging range.
    const error = configErrorOf(
      configWith((raw) => {
        const regions = raw.environments[0]?.regions ?? [];
        for (const region of regions) region.vpcCidr = '10.0.0.0/16';
      }),
    );

    // Assess
    expect(error.field).toBe('environments.staging.regions.eu-central-1.vpcCidr');
    expect(error.message).toContain('overlaps staging/us-east-1');
  });

  it('names the field for a bad hosted zone id, admin ARN, Git URL or webhook URL', () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ stagingHostedZoneId: 'not-a-zone' }, 'environments.staging.hostedZone.id'],
      [{ productionAdminPrincipalArns: 'alice' }, 'environments.production.adminPrincipalArns.0'],
      [{ gitRepositoryUrl: 'git@github.com:acme/repo.git' }, 'environments.staging.git.url'],
      [{ fluxguardWebhookUrl: 'http://insecure.example.com/' }, 'environments.staging.fluxguardWebhookUrl'],
      [{ stagingDomain: 'Not A Domain' }, 'environments.staging.domain'],
    ];
    for (const [context, field] of cases) {
      const error = configErrorOf(() => loadPlatformConfig((key) => context[key]));
      expect(error.field, JSON.stringify(context)).toBe(field);
    }
  });

  it('refuses a public API endpoint open to the whole internet or a CIDR that is not one', () => {
    const cases: Array<[string, string]> = [
      ['0.0.0.0/0', 'environments.staging.publicEndpointCidrs.0'],
      ['203.0.113.0/24,0.0.0.0/0', 'environments.staging.publicEndpointCidrs.1'],
      ['203.0.113.0/33', 'environments.staging.publicEndpointCidrs.0'],
    ];
    for (const [cidrs, field] of cases) {
      const error = configErrorOf(() =>
        loadPlatformConfig((key) => (key === 'stagingPublicEndpointCidrs' ? cidrs : undefined)),
      );
      expect(error.field, cidrs).toBe(field);
    }
    expect(
      loadPlatformConfig((key) => (key === 'stagingPublicEndpointCidrs' ? '203.0.113.0/24' : undefined))
        .environments[0]?.publicEndpointCidrs,
    ).toEqual(['203.0.113.0/24']);
  });

  it('bounds the address space the public API endpoint opens, so short prefixes cannot add up to the internet', () => {
    // Prepare
    const publicCidrs =
      (cidrs: string, extra: Record<string, string> = {}) =>
      (key: string) =>
        ({ stagingPublicEndpointCidrs: cidrs, ...extra })[key];
    const cases: Array<[string, string, RegExp]> = [
      ['0.0.0.0/1,128.0.0.0/1', 'environments.staging.publicEndpointCidrs.0', /\/16 or longer/],
      ['10.0.0.0/8', 'environments.staging.publicEndpointCidrs.0', /\/16 or longer/],
      [
        '198.18.0.0/16,198.19.0.0/16,203.0.0.0/16,100.64.0.0/16,100.65.0.0/16',
        'environments.staging.publicEndpointCidrs',
        /327680 addresses.*at most 262144/,
      ],
    ];

    // Act and assess
    for (const [cidrs, field, message] of cases) {
      const error = configErrorOf(() => loadPlatformConfig(publicCidrs(cidrs)));
      expect(error.field, cidrs).toBe(field);
      expect(error.message, cidrs).toMatch(message);
    }
    expect(
      loadPlatformConfig(publicCidrs('198.18.0.0/16,203.0.113.0/24')).environments[0]?.publicEndpointCidrs,
    ).toEqual(['198.18.0.0/16', '203.0.113.0/24']);
  });

  it('opens wider public endpoint ranges only with the named override, and never half the internet', () => {
    // Prepare
    const withOverride = (cidrs: string) => (key: string) =>
      ({ stagingPublicEndpointCidrs: cidrs, stagingPublicEndpointAllowWideRanges: 'true' })[key];

    // Act
    const wide = loadPlatformConfig(withOverride('10.0.0.0/8')).environments[0];
    const internet = configErrorOf(() => loadPlatformConfig(withOverride('0.0.0.0/1,128.0.0.0/1')));

    // Assess
    expect(wide?.publicEndpointCidrs).toEqual(['10.0.0.0/8']);
    expect(wide?.publicEndpointAllowWideRanges).toBe(true);
    expect(internet.field).toBe('environments.staging.publicEndpointCidrs.0');
    expect(internet.message).toMatch(/\/8 or longer/);
  });

  it('refuses credentials in the Git or webhook URL, which would land in plaintext in cdk.json and the templates', () => {
    const cases: Array<[Record<string, string>, string]> = [
      [
        { gitRepositoryUrl: 'https://x-access-token:ghp_example@github.com/acme/repo' },
        'environments.staging.git.url',
      ],
      [{ gitRepositoryUrl: 'https://ghp_example@github.com/acme/repo' }, 'environments.staging.git.url'],
      [{ gitRepositoryUrl: 'ssh://git:secret@github.com/acme/repo' }, 'environments.staging.git.url'],
      [
        { fluxguardWebhookUrl: 'https://user:secret@hooks.example.com/' },
        'environments.staging.fluxguardWebhookUrl',
      ],
    ];
    for (const [context, field] of cases) {
      const error = configErrorOf(() => loadPlatformConfig((key) => context[key]));
      expect(error.field, JSON.stringify(context)).toBe(field);
    }
    // An SSH user name is no credential.
    const ssh = loadPlatformConfig((key) =>
      key === 'gitRepositoryUrl' ? 'ssh://git@github.com/acme/repo' : undefined,
    );
    expect(ssh.environments[0]?.git.url).toBe('ssh://git@github.com/acme/repo');
  });

  it('names the node group when its desired size lies outside min and max', () => {
    const error = configErrorOf(
      configWith((raw) => {
        const spot = raw.environments[0]?.nodeGroups[1];
        if (spot) spot.desiredSize = 99;
      }),
    );
    expect(error.field).toBe('environments.staging.nodeGroups.spot.desiredSize');
  });
});
