import { beforeAll, describe, expect, it } from 'vitest';
import { GUARD_KUBERNETES_GROUP } from '../../lib/stacks/cluster-stack.js';
import { fluxManifests, itBehavesLikeARegionalStage } from './every-stage.js';
import { resourcesOf, type SynthesizedStage, synthesizeStage } from './synth.js';

const GUARD_ROLE = 'arn:aws:iam::222222222222:role/fluxguard-incident-worker';

describe('the production us-east-1 stage', () => {
  let synthesized: SynthesizedStage;

  beforeAll(() => {
    // Prepare: production with the guard's read-only role configured.
    synthesized = synthesizeStage('production', 'us-east-1', {
      productionGuardRoleArn: GUARD_ROLE,
      guardNamespaces: 'flux-system,apps',
      gitSecretName: 'flux-git-auth',
    });
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
    for (const template of [synthesized.network, synthesized.cluster, synthesized.storage]) {
      for (const logGroup of resourcesOf(template, 'AWS::Logs::LogGroup')) {
        expect(logGroup.Properties.RetentionInDays).toBeGreaterThanOrEqual(90);
      }
    }
  });

  it('protects its stacks from deletion and retains data, keys and the cluster', () => {
    // Prepare
    const { stage, storage, cluster, network } = synthesized;

    // Assess
    for (const stack of [stage.network, stage.storage, stage.dns, stage.cluster, stage.flux]) {
      expect(stack.terminationProtection).toBe(true);
    }
    for (const template of [storage, cluster, network]) {
      for (const type of ['AWS::KMS::Key', 'AWS::Logs::LogGroup', 'AWS::S3::Bucket']) {
        const resources = Object.values(template.findResources(type));
        for (const resource of resources) expect(resource.DeletionPolicy).toBe('Retain');
      }
    }
    storage.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
    cluster.hasResource('AWS::EKS::Cluster', { DeletionPolicy: 'Retain' });
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

  it('maps the guard role to the fluxguard-guard group with view access to the watched namespaces only', () => {
    // Prepare
    const entry = resourcesOf(synthesized.cluster, 'AWS::EKS::AccessEntry').find(
      (e) => e.Properties.PrincipalArn === GUARD_ROLE,
    );

    // Assess
    expect(entry?.Properties).toMatchObject({
      KubernetesGroups: [GUARD_KUBERNETES_GROUP],
      AccessPolicies: [{ AccessScope: { Type: 'namespace', Namespaces: ['flux-system', 'apps'] } }],
    });
    const policies = entry?.Properties.AccessPolicies as Array<{ PolicyArn: unknown }>;
    expect(policies).toHaveLength(1);
    expect(JSON.stringify(policies[0]?.PolicyArn)).toMatch(/cluster-access-policy\/AmazonEKSViewPolicy"/);
  });
});
