/**
 * The one typed description of every fluxguard environment.
 *
 * Fixed shape (CIDRs, node groups, NAT, retention, protection) lives here in code; anything that
 * differs per organisation (accounts, domain, hosted zone, repository, principals) comes from CDK
 * context (`cdk.json`, overridable with `-c key=value`). Every value is validated before a
 * construct is created, and a bad value fails synth with an error that names the field.
 */
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { z } from 'zod';

/** The environments fluxguard knows. */
export const ENVIRONMENT_NAMES = ['staging', 'production'] as const;
/** One of {@link ENVIRONMENT_NAMES}. */
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

/** The regions every environment runs in. */
export const REGION_NAMES = ['us-east-1', 'eu-central-1'] as const;
/** One of {@link REGION_NAMES}. */
export type RegionName = (typeof REGION_NAMES)[number];

/** Thrown when configuration is invalid; `field` is the dotted path of the first bad value. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly field: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid fluxguard configuration: ${problems.join('; ')}`);
  }
}

const VALID_RETENTION_DAYS = new Set<number>(
  Object.values(RetentionDays).filter((value): value is number => typeof value === 'number' && value > 0),
);

const accountId = z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id');
const cidr = z
  .string()
  .regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/, 'must be an IPv4 CIDR such as 10.0.0.0/16')
  .refine(
    (value) =>
      value
        .split('/')[0]
        ?.split('.')
        .every((octet) => Number(octet) <= 255),
    {
      message: 'has an octet above 255',
    },
  )
  .refine((value) => Number(value.split('/')[1]) <= 32, { message: 'has a prefix length above 32' });

/**
 * How much of the internet the EKS public API endpoint may be opened to. Each range needs a prefix
 * of at least `minPrefixLength`, and all ranges together at most `maxAddresses` addresses, so no
 * combination of short prefixes (`0.0.0.0/1` plus `128.0.0.0/1`) adds up to the whole internet.
 * `<env>PublicEndpointAllowWideRanges=true` is the named override for a wider corporate range.
 */
export const PUBLIC_ENDPOINT_LIMITS = {
  normal: { minPrefixLength: 16, maxAddresses: 4 * 2 ** 16 },
  wideRangesAllowed: { minPrefixLength: 8, maxAddresses: 2 ** 24 },
} as const;

/** Number of IPv4 addresses a CIDR covers. */
function addressesIn(range: string): number {
  return 2 ** (32 - Number(range.split('/')[1]));
}
const domainName = z
  .string()
  .regex(/^(?!-)[a-z0-9-]{1,63}(\.[a-z0-9-]{1,63})+$/, 'must be a lower-case DNS name such as example.com');
const iamPrincipalArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/, 'must be an IAM role or user ARN');
const httpsUrl = z.url({ protocol: /^https$/, error: 'must be an https:// URL' });
/** Credentials in a URL would sit in plaintext in cdk.json, the templates and the cluster. */
const NO_URL_CREDENTIALS = 'must not carry credentials; reference a Secret created out of band instead';
/** The user-info part of a URL (`user:password` in `https://user:password@host/`), if any. */
function userInfoOf(url: string): string | undefined {
  const authority = url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').split(/[/?#]/)[0] ?? '';
  const at = authority.lastIndexOf('@');
  return at < 0 ? undefined : authority.slice(0, at);
}

/** How the guard of one environment acts and whom it tells. */
const guardSchema = z.object({
  /** What the worker does with a failed rollout: commit a revert, open a revert pull request, or only alert. */
  mode: z.enum(['revert', 'pull-request', 'alert-only']),
  /** Decide and alert, but write nothing to git and ask nothing of Flux. */
  dryRun: z.boolean(),
  /** The only host the GitHub credentials are sent to (GitHub Enterprise Server: `https://<host>/api/v3`). */
  githubApiUrl: httpsUrl,
  /** Email addresses subscribed to the alert topic. */
  alertEmails: z.array(z.email({ error: 'must be an email address' })),
  /** Amazon Q Developer in chat applications: the Slack workspace and channel that receive alerts. */
  chatbotSlack: z
    .object({
      workspaceId: z.string().regex(/^T[A-Z0-9]{6,}$/, 'must be a Slack workspace id such as T0123456789'),
      channelId: z.string().regex(/^[CG][A-Z0-9]{6,}$/, 'must be a Slack channel id such as C0123456789'),
    })
    .optional(),
  /** Run the slack-notifier (a bot token in a Secrets Manager secret; one thread per incident). */
  slackNotifier: z.boolean(),
  /** Also give the webhook a public Function URL, for a cluster outside AWS (HMAC still verified). */
  publicWebhook: z.boolean(),
});

const nodeGroupSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, 'must be a short lower-case name'),
  capacityType: z.enum(['ON_DEMAND', 'SPOT']),
  instanceTypes: z.array(z.string().regex(/^[a-z0-9]+\.[a-z0-9]+$/, 'must be an EC2 instance type')).min(1),
  minSize: z.number().int().min(0),
  desiredSize: z.number().int().min(0),
  maxSize: z.number().int().min(1),
  labels: z.record(z.string(), z.string()).default({}),
});

const regionSchema = z.object({
  region: z.enum(REGION_NAMES),
  vpcCidr: cidr.refine((value) => value.endsWith('/16'), { message: 'must be a /16' }),
  availabilityZones: z.array(z.string().regex(/^[a-z]{2}-[a-z]+-\d[a-z]$/, 'must be an AZ name')).length(3),
});

const environmentSchema = z
  .object({
    name: z.enum(ENVIRONMENT_NAMES),
    account: accountId,
    regions: z.array(regionSchema).min(1),
    domain: domainName,
    hostedZone: z.object({
      /** Import the zone by id (no lookup) in every regional stage. */
      id: z.string().regex(/^Z[A-Z0-9]{1,32}$/, 'must be a Route 53 hosted zone id such as Z0123456789ABC'),
      /** Also create the zone in a global stack (first deploy); regional stages still import by `id`. */
      create: z.boolean(),
    }),
    natGateways: z.number().int().min(1).max(3),
    nodeGroups: z.array(nodeGroupSchema).min(1),
    logRetentionDays: z
      .number()
      .int()
      .refine((days) => VALID_RETENTION_DAYS.has(days), {
        message: 'must be a CloudWatch Logs retention (1, 3, 5, 7, 14, 30, 60, 90, …, 400, …)',
      }),
    deletionProtection: z.boolean(),
    removalPolicy: z.enum(['destroy', 'retain']),
    git: z.object({
      url: z
        .string()
        .regex(/^(https:\/\/|ssh:\/\/)\S+$/, 'must be an https:// or ssh:// Git URL')
        .refine(
          (url) => {
            // An SSH user name (ssh://git@host/...) is no secret; any https user info, or an
            // ssh password, is (GitHub accepts a token as the user name alone).
            const userInfo = userInfoOf(url);
            return userInfo === undefined || (url.startsWith('ssh://') && !userInfo.includes(':'));
          },
          { message: NO_URL_CREDENTIALS },
        ),
      branch: z.string().regex(/^[\w./-]+$/, 'must be a Git branch name'),
      /** Name of a Secret in flux-system with Git credentials, created out of band; none for public repos. */
      secretName: z.string().optional(),
    }),
    adminPrincipalArns: z.array(iamPrincipalArn).min(1),
    publicEndpointCidrs: z.array(cidr),
    /** Named override: lets public endpoint ranges go down to /8 (see {@link PUBLIC_ENDPOINT_LIMITS}). */
    publicEndpointAllowWideRanges: z.boolean(),
    guardNamespaces: z.array(z.string().regex(/^[a-z0-9-]{1,63}$/, 'must be a namespace name')).min(1),
    /** Overrides the URL Flux posts events to (a custom domain in front of the guard); default: the guard's own URL. */
    fluxguardWebhookUrl: httpsUrl
      .refine((url) => userInfoOf(url) === undefined, { message: NO_URL_CREDENTIALS })
      .optional(),
    guard: guardSchema,
    owner: z.string().min(1),
  })
  .superRefine((env, ctx) => {
    for (const [index, group] of env.nodeGroups.entries()) {
      if (!(group.minSize <= group.desiredSize && group.desiredSize <= group.maxSize)) {
        ctx.addIssue({
          code: 'custom',
          path: ['nodeGroups', index, 'desiredSize'],
          message: 'must lie between minSize and maxSize',
        });
      }
    }
    if (!env.nodeGroups.some((group) => group.capacityType === 'ON_DEMAND')) {
      ctx.addIssue({ code: 'custom', path: ['nodeGroups'], message: 'needs an ON_DEMAND system group' });
    }
    checkPublicEndpointCidrs(env, ctx);
    if (env.name === 'production') {
      if (env.logRetentionDays < 90) {
        ctx.addIssue({
          code: 'custom',
          path: ['logRetentionDays'],
          message: 'must be at least 90 in production',
        });
      }
      if (!env.deletionProtection) {
        ctx.addIssue({ code: 'custom', path: ['deletionProtection'], message: 'must be true in production' });
      }
      if (env.removalPolicy !== 'retain') {
        ctx.addIssue({ code: 'custom', path: ['removalPolicy'], message: 'must be retain in production' });
      }
      if (env.nodeGroups.some((group) => group.capacityType === 'SPOT')) {
        ctx.addIssue({ code: 'custom', path: ['nodeGroups'], message: 'production runs no SPOT group' });
      }
    }
  });

/** Refuses public endpoint ranges wider than {@link PUBLIC_ENDPOINT_LIMITS} allow. */
function checkPublicEndpointCidrs(
  env: { name: string; publicEndpointCidrs: string[]; publicEndpointAllowWideRanges: boolean },
  ctx: z.RefinementCtx,
): void {
  const limits = env.publicEndpointAllowWideRanges
    ? PUBLIC_ENDPOINT_LIMITS.wideRangesAllowed
    : PUBLIC_ENDPOINT_LIMITS.normal;
  const override = env.publicEndpointAllowWideRanges
    ? 'no override goes wider'
    : `set ${env.name}PublicEndpointAllowWideRanges=true to allow down to /${PUBLIC_ENDPOINT_LIMITS.wideRangesAllowed.minPrefixLength}`;
  let tooWide = false;
  for (const [index, range] of env.publicEndpointCidrs.entries()) {
    if (Number(range.split('/')[1]) < limits.minPrefixLength) {
      tooWide = true;
      ctx.addIssue({
        code: 'custom',
        path: ['publicEndpointCidrs', index],
        message: `must be a /${limits.minPrefixLength} or longer; name the office or VPN ranges that need the public API endpoint (${override})`,
      });
    }
  }
  const total = env.publicEndpointCidrs.reduce((sum, range) => sum + addressesIn(range), 0);
  if (!tooWide && total > limits.maxAddresses) {
    ctx.addIssue({
      code: 'custom',
      path: ['publicEndpointCidrs'],
      message: `open ${total} addresses in all; at most ${limits.maxAddresses} may reach the public API endpoint (${override})`,
    });
  }
}

const platformSchema = z
  .object({ environments: z.array(environmentSchema).min(1) })
  .superRefine((platform, ctx) => {
    const seen = new Map<string, string>();
    for (const [envIndex, env] of platform.environments.entries()) {
      for (const [regionIndex, region] of env.regions.entries()) {
        const owner = seen.get(region.vpcCidr);
        if (owner) {
          ctx.addIssue({
            code: 'custom',
            path: ['environments', envIndex, 'regions', regionIndex, 'vpcCidr'],
            message: `overlaps ${owner}; every VPC needs its own range so they can be peered`,
          });
        }
        seen.set(region.vpcCidr, `${env.name}/${region.region}`);
      }
    }
  });

/** One validated environment. */
export type EnvironmentConfig = z.infer<typeof environmentSchema>;
/** One validated region of an environment. */
export type RegionConfig = z.infer<typeof regionSchema>;
/** One environment's validated guard settings. */
export type GuardConfig = z.infer<typeof guardSchema>;
/** One validated managed node group. */
export type NodeGroupConfig = z.infer<typeof nodeGroupSchema>;
/** Every validated environment. */
export type PlatformConfig = z.infer<typeof platformSchema>;

/** Reads one context value; `undefined` when the key is unset. */
export type ContextReader = (key: string) => unknown;

/** Placeholder values that let `cdk synth` run offline; override them in `cdk.json` or with `-c`. */
export const PLACEHOLDER_CONTEXT: Readonly<Record<string, string>> = {
  owner: 'platform-team',
  gitRepositoryUrl: 'https://github.com/example-org/fluxguard',
  gitBranch: 'main',
  stagingAccount: '111111111111',
  stagingDomain: 'staging.fluxguard.example.com',
  stagingHostedZoneId: 'Z0000000000000000STAG',
  stagingAdminPrincipalArns: 'arn:aws:iam::111111111111:role/fluxguard-platform-admin',
  productionAccount: '222222222222',
  productionDomain: 'fluxguard.example.com',
  productionHostedZoneId: 'Z0000000000000000PROD',
  productionAdminPrincipalArns: 'arn:aws:iam::222222222222:role/fluxguard-platform-admin',
};

const AVAILABILITY_ZONES: Record<RegionName, string[]> = {
  'us-east-1': ['us-east-1a', 'us-east-1b', 'us-east-1c'],
  'eu-central-1': ['eu-central-1a', 'eu-central-1b', 'eu-central-1c'],
};

/**
 * VPC ranges. The original design gave both staging regions 10.0.0.0/16, which rules out
 * peering or a transit gateway later; every VPC now has its own /16.
 */
export const VPC_CIDRS: Record<EnvironmentName, Record<RegionName, string>> = {
  staging: { 'eu-central-1': '10.0.0.0/16', 'us-east-1': '10.1.0.0/16' },
  production: { 'us-east-1': '10.10.0.0/16', 'eu-central-1': '10.20.0.0/16' },
};

/**
 * Builds the raw (unvalidated) description of every environment from context.
 * Tests may change the result before passing it to {@link validatePlatformConfig}.
 */
export function rawPlatformConfig(read: ContextReader): Record<string, unknown> {
  const text = (key: string): unknown => read(key) ?? PLACEHOLDER_CONTEXT[key];
  const optionalText = (key: string): unknown => {
    const value = read(key);
    return value === '' ? undefined : value;
  };
  const shared = {
    git: {
      url: text('gitRepositoryUrl'),
      branch: text('gitBranch'),
      secretName: optionalText('gitSecretName'),
    },
    // The namespaces gitops/ runs workloads in (apps in sre-challenge; the HelmReleases the
    // fluxguard Alert reports on in kube-system, monitoring, logging, external-secrets) plus
    // flux-system.
    guardNamespaces: list(
      read('guardNamespaces') ?? 'flux-system,sre-challenge,kube-system,monitoring,logging,external-secrets',
    ),
    fluxguardWebhookUrl: optionalText('fluxguardWebhookUrl'),
    owner: text('owner'),
  };
  const regions = (env: EnvironmentName) =>
    REGION_NAMES.map((region) => ({
      region,
      vpcCidr: VPC_CIDRS[env][region],
      availabilityZones: AVAILABILITY_ZONES[region],
    }));
  const perEnv = (env: EnvironmentName) => ({
    name: env,
    account: text(`${env}Account`),
    regions: regions(env),
    domain: text(`${env}Domain`),
    hostedZone: { id: text(`${env}HostedZoneId`), create: flag(read(`${env}CreateHostedZone`)) },
    adminPrincipalArns: list(text(`${env}AdminPrincipalArns`)),
    publicEndpointCidrs: list(read(`${env}PublicEndpointCidrs`) ?? ''),
    publicEndpointAllowWideRanges: flag(read(`${env}PublicEndpointAllowWideRanges`)),
    guard: {
      mode: read(`${env}GuardMode`) ?? 'revert',
      dryRun: flag(read(`${env}GuardDryRun`)),
      githubApiUrl: read('githubApiUrl') ?? 'https://api.github.com',
      alertEmails: list(read(`${env}AlertEmails`) ?? ''),
      chatbotSlack:
        read(`${env}SlackWorkspaceId`) === undefined && read(`${env}SlackChannelId`) === undefined
          ? undefined
          : { workspaceId: read(`${env}SlackWorkspaceId`), channelId: read(`${env}SlackChannelId`) },
      slackNotifier: flag(read(`${env}SlackNotifier`)),
      publicWebhook: flag(read(`${env}PublicWebhook`)),
    },
    ...shared,
  });
  return {
    environments: [
      {
        ...perEnv('staging'),
        natGateways: 1,
        nodeGroups: [
          {
            name: 'system',
            capacityType: 'ON_DEMAND',
            instanceTypes: ['m6i.large'],
            minSize: 2,
            desiredSize: 2,
            maxSize: 3,
            labels: { 'fluxguard.io/node-role': 'system' },
          },
          {
            name: 'spot',
            capacityType: 'SPOT',
            instanceTypes: ['m6i.large', 'm5.large', 'm6a.large', 'm7i.large'],
            minSize: 1,
            desiredSize: 2,
            maxSize: 6,
            labels: { 'fluxguard.io/node-role': 'workload' },
          },
        ],
        logRetentionDays: 7,
        deletionProtection: false,
        removalPolicy: 'destroy',
      },
      {
        ...perEnv('production'),
        natGateways: 3,
        nodeGroups: [
          {
            name: 'system',
            capacityType: 'ON_DEMAND',
            instanceTypes: ['m6i.large'],
            minSize: 3,
            desiredSize: 3,
            maxSize: 4,
            labels: { 'fluxguard.io/node-role': 'system' },
          },
          {
            name: 'workload',
            capacityType: 'ON_DEMAND',
            instanceTypes: ['m6i.xlarge'],
            minSize: 3,
            desiredSize: 3,
            maxSize: 9,
            labels: { 'fluxguard.io/node-role': 'workload' },
          },
        ],
        logRetentionDays: 400,
        deletionProtection: true,
        removalPolicy: 'retain',
      },
    ],
  };
}

/**
 * Validates a raw configuration.
 *
 * @throws {ConfigError} naming the first bad field, e.g. `environments.staging.account`.
 */
export function validatePlatformConfig(raw: unknown): PlatformConfig {
  const result = platformSchema.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${fieldName(raw, issue.path)}: ${issue.message}`);
  const first = result.error.issues[0];
  throw new ConfigError(first ? fieldName(raw, first.path) : '(root)', problems);
}

/** Reads context through `read` and validates it: the normal entry point for the app. */
export function loadPlatformConfig(read: ContextReader): PlatformConfig {
  return validatePlatformConfig(rawPlatformConfig(read));
}

/** Dotted path with environment and region names instead of array indexes. */
function fieldName(raw: unknown, path: readonly PropertyKey[]): string {
  const parts: string[] = [];
  let node: unknown = raw;
  for (const key of path) {
    const child =
      isRecord(node) || Array.isArray(node) ? (node as Record<PropertyKey, unknown>)[key] : undefined;
    const label = isRecord(child) && typeof child.name === 'string' ? child.name : undefined;
    const region = isRecord(child) && typeof child.region === 'string' ? child.region : undefined;
    parts.push(typeof key === 'number' ? (label ?? region ?? String(key)) : String(key));
    node = child;
  }
  return parts.join('.') || '(root)';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Accepts a JSON-ish array from cdk.json or a comma-separated string from `-c`. */
function list(value: unknown): unknown {
  if (Array.isArray(value)) return value;
  if (typeof value !== 'string') return value;
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

function flag(value: unknown): boolean {
  return value === true || value === 'true';
}
