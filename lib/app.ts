import { type App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { type EnvironmentConfig, loadPlatformConfig, type PlatformConfig } from './config.js';
import { RegionalStage } from './regional-stage.js';
import { HostedZoneStack } from './stacks/hosted-zone-stack.js';
import { removalPolicyOf, stageName } from './target.js';

/** Region of the per-environment global stacks (Route 53 is global; the stack needs a home). */
export const GLOBAL_REGION = 'us-east-1';

/** Options of {@link buildApp}. */
export interface BuildAppOptions {
  /** Configuration to use instead of reading and validating context (tests). */
  readonly config?: PlatformConfig;
}

/**
 * Adds every fluxguard stage to `app`: one {@link RegionalStage} per environment and region
 * (e.g. `staging-us-east-1`), plus a global hosted-zone stack for environments configured to
 * create their zone. Attaches cdk-nag unless `CDK_VALIDATION=false` (tests call
 * `AwsSolutionsChecks.validateScope()` themselves).
 *
 * @throws {ConfigError} when context holds a bad value; the message names the field.
 */
export function buildApp(app: App, options: BuildAppOptions = {}): App {
  const config = options.config ?? loadPlatformConfig((key) => app.node.tryGetContext(key));
  for (const environment of config.environments) {
    if (environment.hostedZone.create) addHostedZoneStack(app, environment);
    for (const region of environment.regions) {
      const target = { environment, region };
      new RegionalStage(app, stageName(target), { target });
    }
  }
  if (process.env.CDK_VALIDATION !== 'false') {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  }
  return app;
}

function addHostedZoneStack(app: App, environment: EnvironmentConfig): void {
  const stack = new HostedZoneStack(app, `fluxguard-${environment.name}-global-dns`, {
    env: { account: environment.account, region: GLOBAL_REGION },
    description: `fluxguard ${environment.name} global: the environment's public hosted zone`,
    domain: environment.domain,
    removalPolicy: removalPolicyOf(environment),
    terminationProtection: environment.deletionProtection,
  });
  const tags = {
    project: 'fluxguard',
    environment: environment.name,
    region: 'global',
    owner: environment.owner,
  };
  for (const [key, value] of Object.entries(tags)) Tags.of(stack).add(key, value);
}
