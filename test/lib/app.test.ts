import { App, Stack, Stage } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/app.js';
import { ConfigError } from '../../lib/config.js';
import { appWithProjectContext } from './synth.js';

const REGIONAL_STAGES = [
  'staging-us-east-1',
  'staging-eu-central-1',
  'production-us-east-1',
  'production-eu-central-1',
];

describe('the CDK app', () => {
  let app: App;
  let assembly: CloudAssembly;

  beforeAll(() => {
    // Prepare: the real app from cdk.json context, with a restricted public endpoint for staging
    // and staging's hosted zone created by the app.
    app = buildApp(
      appWithProjectContext({
        stagingPublicEndpointCidrs: '203.0.113.0/24',
        stagingCreateHostedZone: 'true',
      }),
    );

    // Act: one synthesis of every stage and stack.
    assembly = app.synth();
  });

  it('has one stage per environment and region plus the global hosted-zone stack', () => {
    // Assess
    const stages = app.node.children.filter((child): child is Stage => Stage.isStage(child));
    expect(stages.map((stage) => stage.stageName).sort()).toEqual([...REGIONAL_STAGES].sort());
    const globalStacks = app.node.children.filter((child): child is Stack => Stack.isStack(child));
    expect(globalStacks.map((stack) => stack.stackName)).toEqual(['fluxguard-staging-global-dns']);
  });

  it('synthesizes every stack of every stage into the cloud assembly', () => {
    for (const stageName of REGIONAL_STAGES) {
      const stageAssembly = assembly.getNestedAssembly(`assembly-${stageName}`);
      const names = stageAssembly.stacks.map((stack) => stack.stackName).sort();
      expect(names).toEqual(
        ['cluster', 'dns', 'flux', 'guard', 'network', 'storage'].map(
          (part) => `fluxguard-${stageName}-${part}`,
        ),
      );
      for (const stack of stageAssembly.stacks) {
        expect(Object.keys(stack.template.Resources ?? {}).length).toBeGreaterThan(0);
        expect(stack.environment.account).toMatch(/^\d{12}$/);
        expect(stack.environment.region).toBe(stageName.replace(/^(staging|production)-/, ''));
      }
    }
  });

  it('creates the staging hosted zone in the global stack and outputs its id', () => {
    const stack = app.node.findChild('fluxguard-staging-global-dns') as Stack;
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Route53::HostedZone', { Name: 'staging.fluxguard.example.com.' });
    template.hasOutput('HostedZoneId', {});
  });

  it('opens a public endpoint only to the configured CIDRs', () => {
    // Prepare
    const cluster = (name: string) =>
      Object.values(
        assembly.getNestedAssembly(`assembly-${name}`).stacks.find((s) => s.stackName.endsWith('-cluster'))
          ?.template.Resources ?? {},
      ).find((resource) => (resource as { Type: string }).Type === 'AWS::EKS::Cluster') as {
        Properties: { ResourcesVpcConfig: Record<string, unknown> };
      };

    // Assess
    expect(cluster('staging-eu-central-1').Properties.ResourcesVpcConfig).toMatchObject({
      EndpointPrivateAccess: true,
      EndpointPublicAccess: true,
      PublicAccessCidrs: ['203.0.113.0/24'],
    });
    expect(cluster('production-eu-central-1').Properties.ResourcesVpcConfig).toMatchObject({
      EndpointPrivateAccess: true,
      EndpointPublicAccess: false,
    });
  });

  it('passes cdk-nag AwsSolutions across the whole app', () => {
    // Act
    const report = new AwsSolutionsChecks().validateScope(app);

    // Assess
    expect(report.violations.filter((violation) => violation.severity === 'error')).toEqual([]);
  });

  it('fails synth on bad configuration with a message naming the field', () => {
    // Act
    const build = () => buildApp(appWithProjectContext({ productionAccount: 'not-an-account' }));

    // Assess
    expect(build).toThrow(ConfigError);
    expect(build).toThrow(/environments\.production\.account: must be a 12-digit AWS account id/);
  });

  it('reports a cdk-nag finding when a non-compliant resource is added', () => {
    // Prepare: an S3 bucket without TLS enforcement or access logs breaks AwsSolutions-S1/S10.
    const probeApp = new App();
    const stack = new Stack(probeApp, 'Probe');
    new Bucket(stack, 'Plain');
    Template.fromStack(stack);

    // Act
    const report = new AwsSolutionsChecks().validateScope(stack);

    // Assess
    const ids = report.violations.map((v) => v.ruleName);
    expect(ids).toEqual(expect.arrayContaining([expect.stringMatching(/^AwsSolutions-S1/)]));
  });
});
