import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Vpc } from 'aws-cdk-lib/aws-ec2';
import { Cluster, KubernetesVersion } from 'aws-cdk-lib/aws-eks-v2';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { beforeAll, describe, expect, it } from 'vitest';
import { RESOURCES, WORKLOAD_OWNERS } from '../../lambdas/teardown/index.js';
import type { EnvironmentName, RegionName } from '../../lib/config.js';
import {
  ClusterTeardown,
  TEARDOWN_KUBERNETES_GROUP,
  TEARDOWN_RBAC_RULES,
} from '../../lib/constructs/cluster-teardown.js';
import { inlineStatementsOf, resourcesOf, type SynthesizedStage, synthesizeStage } from './synth.js';

type Resource = {
  Type: string;
  Properties: Record<string, unknown>;
  DependsOn?: string[];
  DeletionPolicy?: string;
};

function resources(template: Template): Record<string, Resource> {
  return template.toJSON().Resources as Record<string, Resource>;
}

function logicalIdOf(
  template: Template,
  type: string,
  predicate: (r: Resource) => boolean = () => true,
): string {
  const found = Object.entries(resources(template)).filter(([, r]) => r.Type === type && predicate(r));
  expect(found, `exactly one ${type}`).toHaveLength(1);
  return found[0]?.[0] ?? '';
}

const manifestOf = (resource: Resource) => JSON.stringify(resource.Properties.Manifest);

/**
 * Every action the statements allow, with what it is allowed on: `*`, `own log group` (the streams
 * of the teardown's log group) or `own cluster` (the stage's cluster ARN); anything else as JSON.
 */
function grants(statements: Array<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const statement of statements) {
    const resource = JSON.stringify(statement.Resource);
    const on =
      resource === '"*"'
        ? '*'
        : /^\{"Fn::Join":\["",\[\{"Fn::GetAtt":\["TeardownLogsLogGroup\w+","Arn"\]\},":\*"\]\]\}$/.test(
              resource,
            )
          ? 'own log group'
          : /^\{"Fn::(GetStackOutput|ImportValue)".*-cluster.*FnGetAttCluster\w+Arn/.test(resource)
            ? 'own cluster'
            : resource;
    const actions = Array.isArray(statement.Action) ? statement.Action : [statement.Action];
    for (const action of actions as string[]) {
      expect(out[action], `${action} granted twice`).toBeUndefined();
      out[action] = on;
    }
  }
  return out;
}

const STAGES: Array<[EnvironmentName, RegionName]> = [
  ['staging', 'us-east-1'],
  ['staging', 'eu-central-1'],
  ['production', 'us-east-1'],
  ['production', 'eu-central-1'],
];

describe.each(STAGES)('the teardown of the %s %s stage', (environment, region) => {
  let synthesized: SynthesizedStage;
  let flux: Template;
  let teardownId: string;
  let teardown: Resource;

  beforeAll(() => {
    synthesized = synthesizeStage(environment, region);
    flux = synthesized.flux;
    teardownId = logicalIdOf(flux, 'Custom::ClusterTeardown');
    teardown = resources(flux)[teardownId] as Resource;
  });

  it('depends on the Flux installation, its sync objects, its access entry and RBAC, so it is deleted before them', () => {
    // Prepare
    const all = resources(flux);
    const chart = logicalIdOf(flux, 'Custom::AWSCDK-EKS-HelmChart', (r) => r.Properties.Chart === 'flux2');
    const sync = logicalIdOf(flux, 'Custom::AWSCDK-EKS-KubernetesResource', (r) =>
      manifestOf(r).includes('"kind\\":\\"GitRepository'),
    );
    const rbac = logicalIdOf(flux, 'Custom::AWSCDK-EKS-KubernetesResource', (r) =>
      manifestOf(r).includes(TEARDOWN_KUBERNETES_GROUP),
    );
    const access = logicalIdOf(flux, 'AWS::EKS::AccessEntry');

    // Assess
    expect(teardown.DependsOn).toEqual(expect.arrayContaining([chart, sync, rbac, access]));
    expect(teardown.DeletionPolicy ?? 'Delete').toBe('Delete');
    expect(all[chart]?.DependsOn ?? []).not.toContain(teardownId);
  });

  it('lives in the Flux stack, which is deleted before the guard, cluster and network stacks', () => {
    // Prepare
    const dependencies = synthesized.stage.flux.dependencies.map((stack) => stack.node.id);

    // Assess
    expect(dependencies).toEqual(expect.arrayContaining(['Cluster', 'Network']));
  });

  it('gives its role exactly the IAM statements it needs, and no managed policy', () => {
    // Prepare
    const roles = resourcesOf(flux, 'AWS::IAM::Role').filter((role) =>
      String(role.Properties.Description ?? '').startsWith('Runs the teardown'),
    );
    const role = roles[0];

    // Assess
    expect(roles).toHaveLength(1);
    expect(role?.Properties.ManagedPolicyArns).toBeUndefined();
    expect(grants(inlineStatementsOf(role))).toEqual({
      'logs:CreateLogStream': 'own log group',
      'logs:PutLogEvents': 'own log group',
      'ec2:CreateNetworkInterface': '*',
      'ec2:DescribeNetworkInterfaces': '*',
      'ec2:DescribeSubnets': '*',
      'ec2:DeleteNetworkInterface': '*',
      'ec2:AssignPrivateIpAddresses': '*',
      'ec2:UnassignPrivateIpAddresses': '*',
      'eks:DescribeCluster': 'own cluster',
      'elasticloadbalancing:DescribeLoadBalancers': '*',
      'elasticloadbalancing:DescribeTargetGroups': '*',
      'elasticloadbalancing:DescribeTags': '*',
      'ec2:DescribeVolumes': '*',
    });
    expect(
      inlineStatementsOf(role).every((statement) => statement.Effect === 'Allow' && !statement.Condition),
    ).toBe(true);
  });

  it('maps its role to a Kubernetes group with no EKS access policy, bound to the teardown ClusterRole', () => {
    // Prepare
    const [entry] = resourcesOf(flux, 'AWS::EKS::AccessEntry');
    const rbac = resourcesOf(flux, 'Custom::AWSCDK-EKS-KubernetesResource').find((r) =>
      manifestOf(r as Resource).includes(TEARDOWN_KUBERNETES_GROUP),
    );
    const manifest = JSON.parse(String(rbac?.Properties.Manifest)) as Array<Record<string, unknown>>;

    // Assess
    expect(entry?.Properties).toMatchObject({
      KubernetesGroups: [TEARDOWN_KUBERNETES_GROUP],
      Type: 'STANDARD',
      PrincipalArn: { 'Fn::GetAtt': [expect.stringMatching(/^TeardownRole/), 'Arn'] },
    });
    expect(entry?.Properties.AccessPolicies).toBeUndefined();
    expect(manifest).toEqual([
      expect.objectContaining({ kind: 'ClusterRole', rules: TEARDOWN_RBAC_RULES }),
      expect.objectContaining({
        kind: 'ClusterRoleBinding',
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: TEARDOWN_KUBERNETES_GROUP,
        },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: TEARDOWN_KUBERNETES_GROUP }],
      }),
    ]);
  });

  it('runs its handlers in the private subnets with the cluster security group, as the kubectl provider does', () => {
    // Prepare
    const handlers = resourcesOf(flux, 'AWS::Lambda::Function').filter((fn) =>
      String(fn.Properties.Handler).match(/^index\.(onEvent|isComplete)$/),
    );
    const kubectl = resourcesOf(synthesized.cluster, 'AWS::Lambda::Function').find((fn) =>
      String(fn.Properties.Description).includes('kubectl'),
    );

    // Assess
    expect(handlers.map((fn) => fn.Properties.Handler).sort()).toEqual(['index.isComplete', 'index.onEvent']);
    for (const fn of handlers) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Environment: { Variables: { TEARDOWN_WAIT_SECONDS: '600', CLUSTER_NAME: expect.anything() } },
      });
      const vpcConfig = fn.Properties.VpcConfig as { SecurityGroupIds: unknown[]; SubnetIds: unknown[] };
      expect(JSON.stringify(vpcConfig.SecurityGroupIds)).toMatch(/ClusterSecurityGroupId/);
      expect(vpcConfig.SubnetIds).toHaveLength(3);
      expect(JSON.stringify(vpcConfig.SubnetIds)).toMatch(/privateSubnet/i);
    }
    const kubectlVpc = kubectl?.Properties.VpcConfig as { SecurityGroupIds?: unknown } | undefined;
    expect(JSON.stringify(kubectlVpc?.SecurityGroupIds ?? null)).toMatch(/ClusterSecurityGroupId/);
  });

  it('lets the framework poll past the 10-minute wait, so the teardown’s own message ends a failed wait', () => {
    // Prepare
    const [machine] = resourcesOf(flux, 'AWS::StepFunctions::StateMachine');
    const definition = JSON.stringify(machine?.Properties.DefinitionString);
    const interval = Number(/\\"IntervalSeconds\\":(\d+)/.exec(definition)?.[1]);
    const attempts = Number(/\\"MaxAttempts\\":(\d+)/.exec(definition)?.[1]);

    // Assess
    expect(interval * attempts).toBeGreaterThanOrEqual(600 + 60);
    expect(interval * attempts).toBeLessThanOrEqual(3_600);
  });

  it('leaves no cdk-nag finding unacknowledged', () => {
    expect(synthesized.unacknowledgedNagFindings.filter((finding) => finding.includes('/Teardown/'))).toEqual(
      [],
    );
  });
});

describe('ClusterTeardown', () => {
  it('grants every verb the teardown library uses, and no other', () => {
    // Prepare
    const granted = new Set(
      TEARDOWN_RBAC_RULES.flatMap((rule) =>
        rule.apiGroups.flatMap((group) =>
          rule.resources.flatMap((resource) => rule.verbs.map((verb) => `${group}/${resource}:${verb}`)),
        ),
      ),
    );
    const groupOf = (prefix: string) => (prefix === '/api/v1' ? '' : prefix.split('/')[2]);
    const uses = (resource: { prefix: string; plural: string }, verbs: string[]) =>
      verbs.map((verb) => `${groupOf(resource.prefix)}/${resource.plural}:${verb}`);
    const needed = [
      ...uses(RESOURCES.kustomization, ['list', 'patch']),
      ...uses(RESOURCES.helmRelease, ['list', 'patch']),
      ...uses(RESOURCES.ingress, ['list', 'delete']),
      ...uses(RESOURCES.service, ['list', 'delete']),
      ...uses(RESOURCES.persistentVolumeClaim, ['list', 'delete']),
      ...uses(RESOURCES.pod, ['list', 'delete']),
      ...uses(RESOURCES.persistentVolume, ['list']),
      ...Object.values(WORKLOAD_OWNERS).flatMap((owner) => uses(owner, ['get', 'delete'])),
    ];

    // Assess
    expect([...granted].sort()).toEqual([...new Set(needed)].sort());
  });

  describe('with a wait of its own', () => {
    const build = (waitTimeout: Duration) => {
      const app = new App();
      const stack = new Stack(app, 'Test', { env: { account: '111111111111', region: 'us-east-1' } });
      const vpc = new Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
      const cluster = new Cluster(stack, 'Cluster', {
        version: KubernetesVersion.of('1.36'),
        vpc,
        kubectlProviderOptions: { kubectlLayer: new KubectlV36Layer(stack, 'Kubectl') },
      });
      new ClusterTeardown(stack, 'Teardown', {
        cluster,
        vpc,
        deleteAfterTeardown: [],
        waitTimeout,
        logRetention: RetentionDays.ONE_WEEK,
        removalPolicy: RemovalPolicy.DESTROY,
      });
      return Template.fromStack(stack);
    };

    it('passes it to the handlers', () => {
      // Act
      const template = build(Duration.minutes(25));

      // Assess
      for (const fn of resourcesOf(template, 'AWS::Lambda::Function').filter((f) =>
        String(f.Properties.Handler).startsWith('index.'),
      )) {
        if (String(fn.Properties.Handler).match(/^index\.(onEvent|isComplete)$/))
          expect(fn.Properties).toMatchObject({
            Environment: { Variables: { TEARDOWN_WAIT_SECONDS: '1500' } },
          });
      }
    });

    it('refuses one longer than 50 minutes', () => {
      expect(() => build(Duration.minutes(51))).toThrow(/longer than 50 minutes/);
    });
  });
});
