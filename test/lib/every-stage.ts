/**
 * Assertions every regional stage must pass, whatever its environment. Each test file
 * synthesizes its stage once and registers these tests against it.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import type { EnvironmentConfig, RegionConfig } from '../../lib/config.js';
import { GUARD_KUBERNETES_GROUP } from '../../lib/constructs/guard-cluster-access.js';
import { albControllerPolicyJson } from '../../lib/policies/alb-controller.js';
import { POD_IDENTITY_SERVICE_ACCOUNTS } from '../../lib/stacks/cluster-stack.js';
import { CLUSTER_CONFIG_NAME, FLUX_NAMESPACE, FLUX_SYNC_NAME } from '../../lib/stacks/flux-stack.js';
import { EKS_ADDON_VERSIONS, FLUX_CHART } from '../../lib/versions.js';
import { itBehavesLikeAGuardStack } from './guard-stage.js';
import { inlineStatementsOf, resourcesOf, type SynthesizedStage } from './synth.js';

/**
 * Registers the tests every stage must pass, one group per stack plus the platform rules that
 * hold for every stack of the stage. `synthesized` returns the stage the test file synthesized
 * once in `beforeAll`.
 */
export function itBehavesLikeARegionalStage(synthesized: () => SynthesizedStage): void {
  describe('platform rules, over every stack', () => itFollowsThePlatformRules(synthesized));
  describe('network stack', () => itBehavesLikeANetworkStack(synthesized));
  describe('storage stack', () => itBehavesLikeAStorageStack(synthesized));
  describe('dns stack', () => itBehavesLikeADnsStack(synthesized));
  describe('cluster stack', () => itBehavesLikeAClusterStack(synthesized));
  describe('guard stack', () => itBehavesLikeAGuardStack(synthesized));
  describe('flux stack', () => itBehavesLikeAFluxStack(synthesized));
}

/** Rules every stack of a stage follows, whichever stacks the stage holds. */
export function itFollowsThePlatformRules(synthesized: () => SynthesizedStage): void {
  const environment = (): EnvironmentConfig => synthesized().target.environment;
  const region = (): RegionConfig => synthesized().target.region;
  const stacks = () => synthesized().stacks;

  it('has the five platform stacks and the guard, each named after its environment and region', () => {
    const names = stacks().map(({ stack }) => stack.stackName);
    expect(names.sort()).toEqual(
      ['network', 'storage', 'dns', 'cluster', 'guard', 'flux']
        .map((part) => `fluxguard-${environment().name}-${region().region}-${part}`)
        .sort(),
    );
  });

  it('protects every stack from termination exactly when the environment protects deletion', () => {
    for (const { stack } of stacks()) {
      expect(stack.terminationProtection, stack.stackName).toBe(environment().deletionProtection);
    }
  });

  it('keeps every log group of every stack for the environment retention, encrypted with a KMS key', () => {
    const logGroups = stacks().flatMap(({ stack, template }) =>
      resourcesOf(template, 'AWS::Logs::LogGroup').map((logGroup) => ({ stack: stack.stackName, logGroup })),
    );
    expect(logGroups.length).toBeGreaterThan(5);
    for (const { stack, logGroup } of logGroups) {
      const label = `${stack} ${JSON.stringify(logGroup.Properties.LogGroupName)}`;
      expect(logGroup.Properties.RetentionInDays, label).toBe(environment().logRetentionDays);
      // The one exception: aws-eks-v2 creates its kubectl provider's log groups itself and takes no
      // key for it; it holds kubectl and helm output, encrypted with CloudWatch Logs' own key.
      if (label.includes('ClusterKubectlProvider')) continue;
      expect(logGroup.Properties.KmsKeyId, label).toBeDefined();
    }
  });

  it('rotates every KMS key and encrypts every queue, topic and table with one', () => {
    for (const { stack, template } of stacks()) {
      for (const key of resourcesOf(template, 'AWS::KMS::Key')) {
        expect(key.Properties.EnableKeyRotation, stack.stackName).toBe(true);
      }
      for (const queue of resourcesOf(template, 'AWS::SQS::Queue')) {
        expect(queue.Properties.KmsMasterKeyId, stack.stackName).toBeDefined();
      }
      for (const topic of resourcesOf(template, 'AWS::SNS::Topic')) {
        expect(topic.Properties.KmsMasterKeyId, stack.stackName).toBeDefined();
      }
      for (const table of resourcesOf(template, 'AWS::DynamoDB::GlobalTable')) {
        expect(JSON.stringify(table.Properties.SSESpecification), stack.stackName).toContain('KMS');
      }
    }
  });

  it('retains data, keys and logs in production and deletes them with the stack in staging', () => {
    const expected = environment().removalPolicy === 'retain' ? 'Retain' : 'Delete';
    const types = [
      'AWS::KMS::Key',
      'AWS::Logs::LogGroup',
      'AWS::S3::Bucket',
      'AWS::DynamoDB::GlobalTable',
      'AWS::SQS::Queue',
      'AWS::SecretsManager::Secret',
    ];
    for (const { stack, template } of stacks()) {
      for (const type of types) {
        for (const [logicalId, resource] of Object.entries(template.findResources(type))) {
          expect(resource.DeletionPolicy, `${stack.stackName} ${logicalId}`).toBe(expected);
        }
      }
    }
  });

  it('tags the KMS keys of every stack with project, environment, region and owner', () => {
    const expected = {
      project: 'fluxguard',
      environment: environment().name,
      region: region().region,
      owner: environment().owner,
    };
    for (const { stack, template } of stacks()) {
      for (const key of resourcesOf(template, 'AWS::KMS::Key')) {
        for (const [tag, value] of Object.entries(expected))
          expect(tagValue(key.Properties, tag), `${stack.stackName} ${tag}`).toBe(value);
      }
    }
  });

  it('passes cdk-nag AwsSolutions with every remaining finding acknowledged', () => {
    expect(synthesized().unacknowledgedNagFindings).toEqual([]);
  });
}

/** The VPC, its subnets, flow logs and gateway endpoints. */
export function itBehavesLikeANetworkStack(synthesized: () => SynthesizedStage): void {
  const environment = (): EnvironmentConfig => synthesized().target.environment;
  const region = (): RegionConfig => synthesized().target.region;
  it('builds a VPC over three AZs with public, private and isolated database subnets', () => {
    // Prepare
    const { network } = synthesized();

    // Assess
    network.hasResourceProperties('AWS::EC2::VPC', {
      CidrBlock: region().vpcCidr,
      EnableDnsHostnames: true,
      EnableDnsSupport: true,
    });
    network.resourceCountIs('AWS::EC2::Subnet', 9);
    const subnets = resourcesOf(network, 'AWS::EC2::Subnet');
    const zones = new Set(subnets.map((subnet) => subnet.Properties.AvailabilityZone));
    expect([...zones].sort()).toEqual([...region().availabilityZones].sort());
    const subnetTypes = subnets.map((subnet) => tagValue(subnet.Properties, 'aws-cdk:subnet-type'));
    expect(subnetTypes.filter((type) => type === 'Public')).toHaveLength(3);
    expect(subnetTypes.filter((type) => type === 'Private')).toHaveLength(3);
    expect(subnetTypes.filter((type) => type === 'Isolated')).toHaveLength(3);
  });

  it('tags public subnets for internet-facing and private subnets for internal load balancers', () => {
    // Prepare
    const subnets = resourcesOf(synthesized().network, 'AWS::EC2::Subnet');

    // Assess
    for (const subnet of subnets) {
      const type = tagValue(subnet.Properties, 'aws-cdk:subnet-type');
      expect(tagValue(subnet.Properties, 'kubernetes.io/role/elb')).toBe(type === 'Public' ? '1' : undefined);
      expect(tagValue(subnet.Properties, 'kubernetes.io/role/internal-elb')).toBe(
        type === 'Private' ? '1' : undefined,
      );
    }
  });

  it('sends VPC flow logs to a KMS-encrypted log group with the environment retention', () => {
    // Prepare
    const { network } = synthesized();

    // Assess
    network.hasResourceProperties('AWS::EC2::FlowLog', {
      LogDestinationType: 'cloud-watch-logs',
      TrafficType: 'ALL',
      ResourceType: 'VPC',
    });
    network.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: Match.stringLikeRegexp('flow-logs$'),
      RetentionInDays: environment().logRetentionDays,
      KmsKeyId: Match.objectLike({ 'Fn::GetAtt': Match.anyValue() }),
    });
    network.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('adds gateway endpoints for S3 and DynamoDB', () => {
    // Prepare
    const endpoints = resourcesOf(synthesized().network, 'AWS::EC2::VPCEndpoint');

    // Assess
    const services = endpoints.map((endpoint) => JSON.stringify(endpoint.Properties.ServiceName));
    expect(endpoints.every((endpoint) => endpoint.Properties.VpcEndpointType === 'Gateway')).toBe(true);
    expect(services.some((service) => service.includes('.s3'))).toBe(true);
    expect(services.some((service) => service.includes('.dynamodb'))).toBe(true);
  });
}

/** The artifact, configuration and access-log buckets. */
export function itBehavesLikeAStorageStack(synthesized: () => SynthesizedStage): void {
  it('keeps artifacts and configuration in KMS-encrypted, versioned, TLS-only buckets that log access', () => {
    // Prepare
    const { storage } = synthesized();
    const buckets = storage.findResources('AWS::S3::Bucket');
    const logBucketId = Object.entries(buckets).find(([, bucket]) =>
      JSON.stringify(bucket.Properties.BucketEncryption).includes('AES256'),
    )?.[0];
    const dataBuckets = Object.values(buckets).filter((bucket) =>
      JSON.stringify(bucket.Properties.BucketEncryption).includes('aws:kms'),
    );

    // Assess
    expect(logBucketId).toBeDefined();
    expect(dataBuckets).toHaveLength(2);
    for (const bucket of dataBuckets) {
      expect(bucket.Properties).toMatchObject({
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        LoggingConfiguration: { DestinationBucketName: { Ref: logBucketId } },
      });
      const rule = bucket.Properties.LifecycleConfiguration.Rules[0];
      expect(rule.Transitions?.length).toBeGreaterThan(0);
      expect(rule.NoncurrentVersionExpiration?.NoncurrentDays).toBeGreaterThan(0);
    }
    const policies = resourcesOf(storage, 'AWS::S3::BucketPolicy');
    expect(policies).toHaveLength(3);
    for (const policy of policies) {
      expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
    }
  });
}

/** The regional certificate. */
export function itBehavesLikeADnsStack(synthesized: () => SynthesizedStage): void {
  const environment = (): EnvironmentConfig => synthesized().target.environment;
  const region = (): RegionConfig => synthesized().target.region;
  it('issues a DNS-validated certificate for <region>.<domain> and its wildcard from the imported zone', () => {
    const host = `${region().region}.${environment().domain}`;
    synthesized().dns.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: host,
      SubjectAlternativeNames: [`*.${host}`],
      ValidationMethod: 'DNS',
      DomainValidationOptions: Match.arrayWith([
        { DomainName: host, HostedZoneId: environment().hostedZone.id },
      ]),
    });
  });
}

/** The EKS cluster, node groups, add-ons, Pod Identity roles and access entries. */
export function itBehavesLikeAClusterStack(synthesized: () => SynthesizedStage): void {
  const environment = (): EnvironmentConfig => synthesized().target.environment;
  const region = (): RegionConfig => synthesized().target.region;
  it('runs an EKS 1.36 cluster with a private endpoint, all five log types and KMS-encrypted secrets', () => {
    // Prepare
    const { cluster } = synthesized();

    // Assess: cdk-nag does not inspect aws-eks-v2 clusters, so these are checked here.
    cluster.hasResourceProperties('AWS::EKS::Cluster', {
      Version: '1.36',
      ResourcesVpcConfig: Match.objectLike({ EndpointPrivateAccess: true, EndpointPublicAccess: false }),
      Logging: {
        ClusterLogging: {
          EnabledTypes: [
            { Type: 'api' },
            { Type: 'audit' },
            { Type: 'authenticator' },
            { Type: 'controllerManager' },
            { Type: 'scheduler' },
          ],
        },
      },
      EncryptionConfig: [
        {
          Provider: { KeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SecretsKey'), 'Arn'] } },
          Resources: ['secrets'],
        },
      ],
      ComputeConfig: { Enabled: false },
    });
    const keys = cluster.findResources('AWS::KMS::Key');
    const secretsKey = Object.entries(keys).find(([logicalId]) => logicalId.startsWith('SecretsKey'));
    expect(secretsKey?.[1].Properties.EnableKeyRotation).toBe(true);
  });

  it('pre-creates the control-plane log group encrypted and with the environment retention', () => {
    synthesized().cluster.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: `/aws/eks/fluxguard-${environment().name}-${region().region}/cluster`,
      RetentionInDays: environment().logRetentionDays,
      KmsKeyId: Match.anyValue(),
    });
  });

  it('starts every node group in private subnets from a launch template that requires IMDSv2', () => {
    // Prepare
    const { cluster } = synthesized();
    const nodegroups = resourcesOf(cluster, 'AWS::EKS::Nodegroup');

    // Assess
    expect(nodegroups).toHaveLength(environment().nodeGroups.length);
    cluster.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 },
        BlockDeviceMappings: [Match.objectLike({ Ebs: Match.objectLike({ Encrypted: true }) })],
      }),
    });
    for (const nodegroup of nodegroups) {
      expect(nodegroup.Properties.LaunchTemplate).toEqual({
        Id: { Ref: expect.stringMatching(/^NodeLaunchTemplate/) },
        Version: { 'Fn::GetAtt': [expect.stringMatching(/^NodeLaunchTemplate/), 'LatestVersionNumber'] },
      });
      // Subnets arrive as references to the network stack's outputs, which carry the group name.
      const subnets = (nodegroup.Properties.Subnets as unknown[]).map((subnet) => JSON.stringify(subnet));
      expect(subnets).toHaveLength(3);
      for (const subnet of subnets) expect(subnet).toMatch(/RefVpcprivateSubnet\d/);
    }
    expect(nodegroups.some((group) => group.Properties.CapacityType === 'ON_DEMAND')).toBe(true);
  });

  it('installs every add-on at its pinned version', () => {
    // Prepare
    const addons = resourcesOf(synthesized().cluster, 'AWS::EKS::Addon');

    // Assess
    const installed = Object.fromEntries(
      addons.map((addon) => [addon.Properties.AddonName, addon.Properties.AddonVersion]),
    );
    expect(installed).toEqual(EKS_ADDON_VERSIONS);
  });

  it('associates Pod Identity roles with the EBS CSI, load balancer controller and Fluent Bit service accounts', () => {
    // Prepare
    const associations = resourcesOf(synthesized().cluster, 'AWS::EKS::PodIdentityAssociation');

    // Assess
    const pairs = associations.map((a) => `${a.Properties.Namespace}/${a.Properties.ServiceAccount}`).sort();
    expect(pairs).toEqual(
      Object.values(POD_IDENTITY_SERVICE_ACCOUNTS)
        .map((sa) => `${sa.namespace}/${sa.serviceAccount}`)
        .sort(),
    );
    synthesized().cluster.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['sts:AssumeRole', 'sts:TagSession'],
            Principal: { Service: 'pods.eks.amazonaws.com' },
          }),
        ]),
      }),
    });
  });

  it('lets each Pod Identity role be assumed only for its own service account in this cluster', () => {
    // Prepare
    const { cluster } = synthesized();
    const roles = cluster.findResources('AWS::IAM::Role');
    const associations = resourcesOf(cluster, 'AWS::EKS::PodIdentityAssociation');
    const clusterId = Object.keys(cluster.findResources('AWS::EKS::Cluster'))[0];

    // Assess: without these session-tag conditions any Pod Identity association in the account
    // (another cluster, namespace or service account) could be pointed at the role.
    expect(associations).toHaveLength(Object.keys(POD_IDENTITY_SERVICE_ACCOUNTS).length);
    for (const association of associations) {
      const { Namespace, ServiceAccount, RoleArn } = association.Properties as {
        Namespace: string;
        ServiceAccount: string;
        RoleArn: { 'Fn::GetAtt': [string, string] };
      };
      const trust = roles[RoleArn['Fn::GetAtt'][0]]?.Properties.AssumeRolePolicyDocument;
      expect(trust?.Statement, `${Namespace}/${ServiceAccount}`).toEqual([
        {
          Effect: 'Allow',
          Principal: { Service: 'pods.eks.amazonaws.com' },
          Action: ['sts:AssumeRole', 'sts:TagSession'],
          Condition: {
            StringEquals: {
              'aws:RequestTag/eks-cluster-arn': { 'Fn::GetAtt': [clusterId, 'Arn'] },
              'aws:RequestTag/kubernetes-namespace': Namespace,
              'aws:RequestTag/kubernetes-service-account': ServiceAccount,
            },
          },
        },
      ]);
    }
  });

  it('gives the load balancer controller exactly the vendored upstream policy', () => {
    // Prepare
    const roles = resourcesOf(synthesized().cluster, 'AWS::IAM::Role');
    const albRole = roles.find((role) =>
      JSON.stringify(role.Properties.Description ?? '').includes('Load Balancer'),
    );

    // Assess: CDK merges statements with equal resources and conditions, so compare actions.
    const statements = inlineStatementsOf(albRole);
    expect(albRole?.Properties.Policies).toHaveLength(1);
    const synthesizedActions = new Set(statements.flatMap((st) => st.Action as string | string[]));
    const upstreamActions = new Set(
      albControllerPolicyJson().Statement.flatMap((st) => st.Action as string | string[]),
    );
    expect([...synthesizedActions].sort()).toEqual([...upstreamActions].sort());
    expect(JSON.stringify(statements)).toContain('elbv2.k8s.aws/cluster');
  });

  it('lets Fluent Bit write only to its own encrypted container log group', () => {
    // Prepare
    const { cluster } = synthesized();
    const logGroups = cluster.findResources('AWS::Logs::LogGroup', {
      Properties: { LogGroupName: `/aws/eks/fluxguard-${environment().name}-${region().region}/containers` },
    });
    const [logGroupId] = Object.keys(logGroups);
    const roles = resourcesOf(cluster, 'AWS::IAM::Role');
    const fluentBit = roles.find((role) =>
      JSON.stringify(role.Properties.Description ?? '').includes('Fluent Bit'),
    );

    // Assess
    expect(logGroupId).toBeDefined();
    expect(Object.values(logGroups)[0]?.Properties).toMatchObject({
      RetentionInDays: environment().logRetentionDays,
      KmsKeyId: expect.anything(),
    });
    const statements = inlineStatementsOf(fluentBit);
    expect(statements).toHaveLength(1);
    expect(statements[0]?.Action).toEqual([
      'logs:CreateLogStream',
      'logs:DescribeLogStreams',
      'logs:PutLogEvents',
    ]);
    const resources = JSON.stringify(statements[0]?.Resource);
    expect(resources).toContain(`"${logGroupId}","Arn"`);
    expect(resources).not.toContain('"*"');
  });

  it('grants cluster admin through an access entry per configured admin principal, and nothing to the guard', () => {
    // Prepare
    const entries = resourcesOf(synthesized().cluster, 'AWS::EKS::AccessEntry');

    // Assess: the guard's entry lives with its role in the guard stack.
    for (const principal of environment().adminPrincipalArns) {
      const entry = entries.find((e) => e.Properties.PrincipalArn === principal);
      expect(JSON.stringify(entry?.Properties.AccessPolicies)).toContain('AmazonEKSClusterAdminPolicy');
    }
    expect(entries.some((e) => JSON.stringify(e.Properties).includes(GUARD_KUBERNETES_GROUP))).toBe(false);
  });

  it('tags every taggable resource with project, environment, region and owner', () => {
    // Prepare
    const { network, cluster, storage } = synthesized();
    const expected = {
      project: 'fluxguard',
      environment: environment().name,
      region: region().region,
      owner: environment().owner,
    };

    // Assess
    for (const [template, type] of [
      [network, 'AWS::EC2::VPC'],
      [storage, 'AWS::S3::Bucket'],
      [cluster, 'AWS::KMS::Key'],
    ] as const) {
      for (const resource of resourcesOf(template, type)) {
        for (const [key, value] of Object.entries(expected))
          expect(tagValue(resource.Properties, key)).toBe(value);
      }
    }
    cluster.hasResourceProperties('AWS::EKS::Cluster', {
      Tags: Match.arrayWith([{ Key: 'environment', Value: environment().name }]),
    });
  });
}

/** The Flux install, its sync objects and cluster-config. */
export function itBehavesLikeAFluxStack(synthesized: () => SynthesizedStage): void {
  const environment = (): EnvironmentConfig => synthesized().target.environment;
  const region = (): RegionConfig => synthesized().target.region;
  it('installs Flux once from the pinned chart with the CancelHealthCheckOnNewRevision feature gate', () => {
    // Prepare
    const charts = resourcesOf(synthesized().flux, 'Custom::AWSCDK-EKS-HelmChart');

    // Assess
    expect(charts).toHaveLength(1);
    expect(charts[0]?.Properties).toMatchObject({
      Chart: FLUX_CHART.chart,
      Version: FLUX_CHART.version,
      Repository: FLUX_CHART.repository,
      Namespace: FLUX_NAMESPACE,
    });
    const values = JSON.parse(String(charts[0]?.Properties.Values));
    expect(values.kustomizeController.container.additionalArgs).toContain(
      '--feature-gates=CancelHealthCheckOnNewRevision=true',
    );
  });

  it('syncs gitops/clusters/<env> through one GitRepository and one Kustomization named flux-system', () => {
    // Prepare
    const manifests = fluxManifests(synthesized());

    // Assess
    const repository = manifests.find((m) => m.kind === 'GitRepository');
    const kustomization = manifests.find((m) => m.kind === 'Kustomization');
    expect(manifests.filter((m) => m.kind === 'GitRepository' || m.kind === 'Kustomization')).toHaveLength(2);
    expect(repository).toMatchObject({
      metadata: { name: FLUX_SYNC_NAME, namespace: FLUX_NAMESPACE },
      spec: { url: environment().git.url, ref: { branch: environment().git.branch } },
    });
    expect(kustomization).toMatchObject({
      metadata: { name: FLUX_SYNC_NAME, namespace: FLUX_NAMESPACE },
      spec: {
        path: `./gitops/clusters/${environment().name}`,
        prune: true,
        sourceRef: { kind: 'GitRepository', name: FLUX_SYNC_NAME },
      },
    });
  });

  it('writes the cluster-config ConfigMap with exactly the keys the gitops tree substitutes', () => {
    // Prepare
    const configMap = fluxManifests(synthesized()).find((m) => m.kind === 'ConfigMap');

    // Assess
    expect(configMap?.metadata).toMatchObject({ name: CLUSTER_CONFIG_NAME, namespace: FLUX_NAMESPACE });
    const data = configMap?.data as Record<string, string>;
    expect(Object.keys(data).sort()).toEqual(
      [
        'aws_region',
        'certificate_arn',
        'cluster_name',
        'domain',
        'environment',
        'fluxguard_alertmanager_url',
        'fluxguard_webhook_url',
        'log_group_name',
        'vpc_cidr',
        'vpc_id',
      ].sort(),
    );
    // The guard stack's private API, through its VPC endpoint's own host name.
    expect(data.fluxguard_webhook_url).toMatch(
      new RegExp(
        `^https://TOKEN-TOKEN\\.execute-api\\.${region().region}\\.(TOKEN|amazonaws\\.com)/v1/flux$`,
      ),
    );
    expect(data).toMatchObject({
      aws_region: region().region,
      vpc_cidr: region().vpcCidr,
      environment: environment().name,
      domain: environment().domain,
      log_group_name: `/aws/eks/fluxguard-${environment().name}-${region().region}/containers`,
    });
  });
}

interface K8sObject {
  kind: string;
  metadata: Record<string, unknown>;
  spec?: Record<string, unknown>;
  data?: Record<string, unknown>;
}

/** Kubernetes objects CDK applies in the Flux stack, with CloudFormation tokens flattened. */
export function fluxManifests(stage: SynthesizedStage): K8sObject[] {
  return resourcesOf(stage.flux, 'Custom::AWSCDK-EKS-KubernetesResource').flatMap((resource) => {
    const manifest = resource.Properties.Manifest;
    const text =
      typeof manifest === 'string'
        ? manifest
        : ((manifest as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1]
            .map((part) => (typeof part === 'string' ? part : 'TOKEN'))
            .join('') as string);
    return JSON.parse(text) as K8sObject[];
  });
}

/** Value of a CloudFormation tag in `properties.Tags`, or undefined. */
export function tagValue(properties: Record<string, unknown>, key: string): string | undefined {
  const tags = (properties.Tags ?? []) as Array<{ Key: string; Value: string }>;
  return tags.find((tag) => tag.Key === key)?.Value;
}
