import { type App, Stack, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';

/**
 * Adds every fluxguard stack to `app` and attaches cdk-nag.
 *
 * cdk-nag runs on every `cdk synth`; set `CDK_VALIDATION=false` to skip it where a test checks
 * the rules itself through `Validations.of(scope).validateScope()`.
 */
export function buildApp(app: App): App {
  const stack = new Stack(app, 'Fluxguard-Foundation', {
    description: 'fluxguard foundation: proves the CDK app synthesizes offline.',
  });
  Tags.of(stack).add('project', 'fluxguard');

  if (process.env.CDK_VALIDATION !== 'false') {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  }
  return app;
}
