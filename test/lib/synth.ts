/**
 * Test support: builds one regional stage from the default (placeholder) configuration, with
 * optional context overrides, and synthesizes it once.
 */
import { readFileSync } from 'node:fs';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { type EnvironmentName, loadPlatformConfig, type RegionName } from '../../lib/config.js';
import { INLINE_GUARD_CODE_CONTEXT } from '../../lib/constructs/guard-function.js';
import { RegionalStage } from '../../lib/regional-stage.js';
import { type DeploymentTarget, stageName } from '../../lib/target.js';

/**
 * An App with the context of `cdk.json` (feature flags and defaults) plus `extra`, so tests
 * synthesize what `cdk synth` synthesizes; the guard functions get placeholder code unless
 * `extra` says otherwise (bundling is tested on its own).
 */
export function appWithProjectContext(extra: Record<string, unknown> = {}): App {
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context: Record<string, unknown>;
  };
  const cdkContext = JSON.parse(
    readFileSync(new URL('../../cdk.context.json', import.meta.url), 'utf8'),
  ) as Record<string, unknown>;
  return new App({
    context: { ...cdkJson.context, ...cdkContext, [INLINE_GUARD_CODE_CONTEXT]: true, ...extra },
  });
}

/** Templates of every stack in one synthesized stage. */
export interface SynthesizedStage {
  readonly stage: RegionalStage;
  /** The validated environment and region the stage was built from. */
  readonly target: DeploymentTarget;
  readonly network: Template;
  readonly storage: Template;
  readonly dns: Template;
  readonly cluster: Template;
  readonly guard: Template;
  readonly flux: Template;
  /** Every stack of the stage, whatever it is, with its template: platform rules run over these. */
  readonly stacks: ReadonlyArray<{ readonly stack: Stack; readonly template: Template }>;
  /** Rule ids cdk-nag AwsSolutions reports and nobody acknowledged. */
  readonly unacknowledgedNagFindings: string[];
}

/** Synthesizes the stage for `environment` in `region`. */
export function synthesizeStage(
  environment: EnvironmentName,
  region: RegionName,
  context: Record<string, string> = {},
): SynthesizedStage {
  const app = appWithProjectContext(context);
  const config = loadPlatformConfig((key) => app.node.tryGetContext(key));
  const envConfig = config.environments.find((env) => env.name === environment);
  const regionConfig = envConfig?.regions.find((r) => r.region === region);
  if (!envConfig || !regionConfig) throw new Error(`No ${environment}/${region} in the configuration`);
  const target = { environment: envConfig, region: regionConfig };
  const stage = new RegionalStage(app, stageName(target), { target });
  const templates = {
    network: Template.fromStack(stage.network),
    storage: Template.fromStack(stage.storage),
    dns: Template.fromStack(stage.dns),
    cluster: Template.fromStack(stage.cluster),
    guard: Template.fromStack(stage.guard),
    flux: Template.fromStack(stage.flux),
  };
  const stacks = stage.node.children
    .filter((child): child is Stack => Stack.isStack(child))
    .map((stack) => ({ stack, template: Template.fromStack(stack) }));
  const report = new AwsSolutionsChecks().validateScope(stage);
  const unacknowledgedNagFindings = report.violations
    .filter((violation) => violation.severity === 'error')
    .map(
      (violation) =>
        `${violation.ruleName} at ${violation.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );
  return { stage, target, ...templates, stacks, unacknowledgedNagFindings };
}

/** Resources of `type` in `template`, as plain objects. */
export function resourcesOf(
  template: Template,
  type: string,
): Array<{ Properties: Record<string, unknown> }> {
  return Object.values(template.findResources(type)) as Array<{ Properties: Record<string, unknown> }>;
}

/** Statements of every inline policy of a synthesized IAM role; none when the role is missing. */
export function inlineStatementsOf(role?: {
  Properties: Record<string, unknown>;
}): Array<Record<string, unknown>> {
  const policies = (role?.Properties.Policies ?? []) as Array<{
    PolicyDocument: { Statement: Array<Record<string, unknown>> };
  }>;
  return policies.flatMap((policy) => policy.PolicyDocument.Statement);
}
