import { beforeAll, describe, expect, it } from 'vitest';
import { itBehavesLikeARegionalStage } from './every-stage.js';
import { resourcesOf, type SynthesizedStage, synthesizeStage } from './synth.js';

describe('the staging us-east-1 stage', () => {
  let synthesized: SynthesizedStage;

  beforeAll(() => {
    synthesized = synthesizeStage('staging', 'us-east-1');
  });

  itBehavesLikeARegionalStage(() => synthesized);

  it('uses 10.1.0.0/16, apart from staging eu-central-1 (10.0.0.0/16)', () => {
    synthesized.network.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.1.0.0/16' });
  });

  it('saves money with a single NAT gateway', () => {
    synthesized.network.resourceCountIs('AWS::EC2::NatGateway', 1);
  });

  it('runs an on-demand system group and a SPOT group', () => {
    // Prepare
    const nodegroups = resourcesOf(synthesized.cluster, 'AWS::EKS::Nodegroup');

    // Assess
    expect(nodegroups.map((group) => group.Properties.CapacityType).sort()).toEqual(['ON_DEMAND', 'SPOT']);
    const spot = nodegroups.find((group) => group.Properties.CapacityType === 'SPOT');
    expect(spot?.Properties.InstanceTypes).toEqual(
      expect.arrayContaining([expect.any(String), expect.any(String)]),
    );
  });

  it('keeps every log, including those of CDK-generated functions, for 7 days', () => {
    for (const { template } of synthesized.stacks) {
      for (const logGroup of resourcesOf(template, 'AWS::Logs::LogGroup')) {
        expect(logGroup.Properties.RetentionInDays).toBe(7);
      }
    }
  });

  it('empties its buckets and deletes the cluster with the stacks', () => {
    synthesized.storage.resourceCountIs('Custom::S3AutoDeleteObjects', 3);
    synthesized.cluster.hasResource('AWS::EKS::Cluster', { DeletionPolicy: 'Delete' });
  });
});
