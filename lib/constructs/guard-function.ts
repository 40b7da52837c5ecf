import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ISecurityGroup, IVpc } from 'aws-cdk-lib/aws-ec2';
import { SubnetType } from 'aws-cdk-lib/aws-ec2';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, Function as LambdaFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { bundleLambdaSync } from '../bundling.js';
import { acknowledge, getAttToken, wildcardActionFinding, wildcardResourceFinding } from '../nag.js';
import { EncryptedLogGroup } from './encrypted-log-group.js';
import { lambdaVpcAccessStatement } from './lambda-vpc-access.js';

/** The guard's Lambda entries, each `lambdas/functions/<name>/index.ts` exporting `handler`. */
export const GUARD_FUNCTION_NAMES = ['flux-webhook', 'incident-worker', 'slack-notifier'] as const;
/** One of {@link GUARD_FUNCTION_NAMES}. */
export type GuardFunctionName = (typeof GUARD_FUNCTION_NAMES)[number];

/** CloudWatch metrics namespace every guard function writes to (Powertools Metrics). */
export const GUARD_METRICS_NAMESPACE = 'fluxguard';

/**
 * Context key that makes every guard function use a one-line placeholder instead of its bundle.
 * Unit tests set it to keep a synthesis under a second; `cdk synth` and `cdk deploy` never do.
 */
export const INLINE_GUARD_CODE_CONTEXT = 'fluxguard:inlineGuardCode';

/** Absolute path of a guard function's entry file. */
export function guardFunctionEntry(name: GuardFunctionName): string {
  return fileURLToPath(new URL(`../../lambdas/functions/${name}/index.ts`, import.meta.url));
}

const bundles = new Map<GuardFunctionName, string>();
// Synthesis copies each bundle into the cloud assembly, so the build directories go with the process.
process.once('exit', () => {
  for (const outdir of bundles.values()) rmSync(outdir, { recursive: true, force: true });
});

/**
 * Bundles a guard function once per process (every stage deploys the same code) and returns the
 * output directory.
 *
 * @throws {Error} when the entry file does not exist
 */
export function bundledGuardFunction(name: GuardFunctionName): string {
  const cached = bundles.get(name);
  if (cached) return cached;
  const entry = guardFunctionEntry(name);
  if (!existsSync(entry)) throw new Error(`The ${name} Lambda has no entry at ${entry}`);
  const outdir = mkdtempSync(join(tmpdir(), `fluxguard-${name}-`));
  bundleLambdaSync(entry, outdir, { sourcemap: true });
  bundles.set(name, outdir);
  return outdir;
}

/** Properties of {@link GuardFunction}. */
export interface GuardFunctionProps {
  /** Which entry to deploy; also the Powertools service name. */
  readonly name: GuardFunctionName;
  /** Deployed function name, e.g. `fluxguard-staging-us-east-1-flux-webhook`. */
  readonly functionName: string;
  readonly description: string;
  /** Variables the function's config module reads (Powertools variables are added here). */
  readonly environment: Record<string, string>;
  readonly timeout: Duration;
  /** @default 256 */
  readonly memorySize?: number;
  /**
   * Runs the function in the VPC's private subnets with these security groups.
   * @default - outside any VPC
   */
  readonly vpc?: { readonly vpc: IVpc; readonly securityGroups: ISecurityGroup[] };
  readonly logRetention: RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * One guard Lambda, built the same way for every function: the esbuild ESM bundle with source
 * maps (`lib/bundling.ts`), Node.js 24 on arm64, X-Ray tracing, Powertools settings, and a log
 * group of its own encrypted with its own key and kept for the environment's retention. Its role
 * may write to that log group and nothing else until the stack grants more.
 *
 * @example
 * const worker = new GuardFunction(this, 'Worker', {
 *   name: 'incident-worker', functionName: 'fluxguard-staging-us-east-1-incident-worker',
 *   description: 'Validates and reverts', environment: { STATE_TABLE_NAME: table.tableName },
 *   timeout: Duration.minutes(5), logRetention: RetentionDays.ONE_WEEK, removalPolicy,
 * });
 * table.grantReadWriteData(worker.function);
 */
export class GuardFunction extends Construct {
  /** The function. */
  readonly function: LambdaFunction;
  /** Its execution role. */
  readonly role: Role;
  /** Its encrypted log group. */
  readonly logs: EncryptedLogGroup;

  constructor(scope: Construct, id: string, props: GuardFunctionProps) {
    super(scope, id);
    this.logs = new EncryptedLogGroup(this, 'Logs', {
      logGroupName: `/aws/lambda/${props.functionName}`,
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    const logGroupArn = this.logs.logGroup.logGroupArn;
    this.role = new Role(this, 'Role', {
      description: `Execution role of ${props.functionName}`,
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    });
    this.role.addToPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [`${logGroupArn}:*`],
      }),
    );
    acknowledge(
      this.role,
      [wildcardResourceFinding(`${getAttToken(this.logs.logGroup, logGroupArn)}:*`)],
      'Lambda names a log stream per execution environment at run time; the wildcard covers the streams of this function’s own log group only.',
    );
    if (props.vpc) {
      this.role.addToPolicy(lambdaVpcAccessStatement());
    }

    const inline = Boolean(this.node.tryGetContext(INLINE_GUARD_CODE_CONTEXT));
    this.function = new LambdaFunction(this, 'Function', {
      functionName: props.functionName,
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      handler: 'index.handler',
      code: inline
        ? Code.fromInline(`export const handler = async () => { throw new Error('placeholder'); };`)
        : Code.fromAsset(bundledGuardFunction(props.name)),
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logs.logGroup,
      tracing: Tracing.ACTIVE,
      environment: {
        ...props.environment,
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: props.name,
        POWERTOOLS_METRICS_NAMESPACE: GUARD_METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: 'INFO',
      },
      ...(props.vpc
        ? {
            vpc: props.vpc.vpc,
            vpcSubnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
            securityGroups: props.vpc.securityGroups,
          }
        : {}),
    });
    acknowledge(
      this.role,
      [wildcardActionFinding('kms:GenerateDataKey*'), wildcardActionFinding('kms:ReEncrypt*')],
      'CDK grants on the KMS-encrypted queues, table and topic give these data-key actions on exactly the key of the resource granted, never on any other key.',
    );
    acknowledge(
      this.role,
      ['AwsSolutions-IAM5[Resource::*]'],
      'X-Ray PutTraceSegments/PutTelemetryRecords and, for functions in the VPC, the network-interface actions Lambda needs take no resource-level permissions (AWS documents them with Resource "*").',
    );
  }
}
