import { beforeAll, describe, expect, it } from 'vitest';
import { fluxManifests, itBehavesLikeARegionalStage } from './every-stage.js';
import { resourcesOf, type SynthesizedStage, synthesizeStage } from './synth.js';

describe('the production us-east-1 stage', () => {
  let synthesized: SynthesizedStage;

  beforeAll(() => {
    // Prepare: production with a private Git repository.
    synthesized = synthesizeStage('production', 'us-east-1', { gitSecretName: 'flux-git-auth' });
  });

  itBehavesLikeARegionalStage(() => synthesized);

  it('uses 10.10.0.0/16', () => {
    synthesized.network.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.10.0.0/16' });
  });

  it('has one NAT gateway per AZ', () => {
    synthesized.network.resourceCountIs('AWS::EC2::NatGateway', 3);
  });

  it('runs only on-demand node groups', () => {
    const capacity = resourcesOf(synthesized.cluster, 'AWS::EKS::Nodegroup').map(
      (g) => g.Properties.CapacityType,
    );
    expect(capacity.length).toBeGreaterThan(0);
    expect(capacity.every((type) => type === 'ON_DEMAND')).toBe(true);
  });

  it('keeps every log at least 90 days', () => {
    for (const { template } of synthesized.stacks) {
      for (const logGroup of resourcesOf(template, 'AWS::Logs::LogGroup')) {
        expect(logGroup.Properties.RetentionInDays).toBeGreaterThanOrEqual(90);
      }
    }
  });

  it('retains the cluster and empties no bucket on deletion', () => {
    synthesized.storage.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
    synthesized.cluster.hasResource('AWS::EKS::Cluster', { DeletionPolicy: 'Retain' });
  });

  it('authenticates the GitRepository with a Secret created out of band, referenced by name only', () => {
    // Prepare
    const manifests = fluxManifests(synthesized);

    // Assess: CDK carries the Secret's name, never its data.
    expect(manifests.find((m) => m.kind === 'GitRepository')?.spec).toMatchObject({
      secretRef: { name: 'flux-git-auth' },
    });
    expect(manifests.some((m) => m.kind === 'Secret')).toBe(false);
  });
});
