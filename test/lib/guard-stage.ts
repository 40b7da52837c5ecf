/**
 * Assertions every stage's guard stack must pass, whatever its options: registered by
 * `itBehavesLikeARegionalStage`.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { expect, it } from 'vitest';
import type { EnvironmentConfig } from '../../lib/config.js';
import { ALARM_TARGET_TAGS, SAMPLE_APP } from '../../lib/constructs/guard-app-health-alarm.js';
import { GUARD_KUBERNETES_GROUP } from '../../lib/constructs/guard-cluster-access.js';
import { GUARD_DASHBOARD_METRICS } from '../../lib/constructs/guard-monitoring.js';
import { EXTERNAL_SECRETS_SERVICE_ACCOUNT } from '../../lib/constructs/guard-secrets.js';
import { WORKER_MAX_CONCURRENCY, WORKER_TIMEOUT } from '../../lib/stacks/guard-stack.js';
import { inlineStatementsOf, resourcesOf, type SynthesizedStage } from './synth.js';

type Resource = { Properties: Record<string, unknown> };
type Statement = { Action: string | string[]; Resource: unknown; Effect?: string; Condition?: unknown };

/** The logical id of the single resource of `type` whose properties contain `text`. */
export function logicalIdOf(stage: SynthesizedStage, type: string, text: string): string {
  const ids = Object.entries(stage.guard.findResources(type))
    .filter(([, resource]) => JSON.stringify(resource).includes(text))
    .map(([id]) => id);
  expect(ids, `${type} with ${text}`).toHaveLength(1);
  return ids[0] ?? '';
}

/** Every statement of the inline and attached policies of the role `roleId`. */
function statementsOfRole(stage: SynthesizedStage, roleId: string): Statement[] {
  const role = stage.guard.findResources('AWS::IAM::Role')[roleId] as Resource | undefined;
  const attached = resourcesOf(stage.guard, 'AWS::IAM::Policy')
    .filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
  return [...(inlineStatementsOf(role) as Statement[]), ...attached];
}

/** Each action of the role mapped to the resources it is granted on (as JSON). */
export function grants(stage: SynthesizedStage, roleId: string): Record<string, string[]> {
  const byAction: Record<string, string[]> = {};
  for (const statement of statementsOfRole(stage, roleId)) {
    const actions = Array.isArray(statement.Action) ? statement.Action : [statement.Action];
    const resources = Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
    for (const action of actions) {
      byAction[action] = [...(byAction[action] ?? []), ...resources.map((r) => JSON.stringify(r))].sort();
    }
  }
  return byAction;
}

/** The logical id of the execution role of the function named `functionName`. */
export const roleOf = (stage: SynthesizedStage, functionName: string): string => {
  const fn = Object.values(stage.guard.findResources('AWS::Lambda::Function')).find(
    (candidate) => candidate.Properties.FunctionName === functionName,
  );
  const role = fn?.Properties.Role as { 'Fn::GetAtt': [string, string] } | undefined;
  return role?.['Fn::GetAtt'][0] ?? '';
};

/** Registers the guard stack's tests. */
export function itBehavesLikeAGuardStack(synthesized: () => SynthesizedStage): void {
  const environment = (): EnvironmentConfig => synthesized().target.environment;
  const name = () => `fluxguard-${environment().name}-${synthesized().target.region.region}`;

  it('runs the webhook and the worker (and the slack-notifier when enabled) on nodejs24.x arm64 with tracing and Powertools settings', () => {
    const functions = resourcesOf(synthesized().guard, 'AWS::Lambda::Function');
    const names = functions.map((fn) => fn.Properties.FunctionName).sort();
    const expected = ['flux-webhook', 'incident-worker'];
    if (environment().guard.slackNotifier) expected.push('slack-notifier');
    expect(names).toEqual(expected.map((fn) => `${name()}-${fn}`).sort());
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: { Ref: expect.stringMatching(/LogsLogGroup/) } },
        Environment: {
          Variables: expect.objectContaining({
            POWERTOOLS_METRICS_NAMESPACE: 'fluxguard',
            POWERTOOLS_SERVICE_NAME: String(fn.Properties.FunctionName).replace(`${name()}-`, ''),
            NODE_OPTIONS: '--enable-source-maps',
          }),
        },
      });
    }
  });

  it('gives the worker its contract environment, its timeout, the private subnets and a concurrency cap per queue', () => {
    const { guard } = synthesized();
    guard.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: `${name()}-incident-worker`,
      Timeout: WORKER_TIMEOUT.toSeconds(),
      VpcConfig: { SecurityGroupIds: Match.anyValue(), SubnetIds: Match.anyValue() },
      Environment: {
        Variables: Match.objectLike({
          STATE_TABLE_NAME: Match.anyValue(),
          ALERT_TOPIC_ARN: Match.anyValue(),
          FOLLOW_UP_QUEUE_URL: Match.anyValue(),
          CLUSTER_NAME: Match.anyValue(),
          ENVIRONMENT: environment().name,
          DEFAULT_MODE: environment().guard.mode,
          DRY_RUN: String(environment().guard.dryRun),
          GITHUB_TOKEN_SECRET_ARN: { Ref: Match.stringLikeRegexp('^SecretsGitHub') },
          GITHUB_API_URL: environment().guard.githubApiUrl,
        }),
      },
    });
    const mappings = resourcesOf(guard, 'AWS::Lambda::EventSourceMapping');
    const queueArn = (queueName: string) => ({
      'Fn::GetAtt': [logicalIdOf(synthesized(), 'AWS::SQS::Queue', `"${name()}-${queueName}"`), 'Arn'],
    });
    expect(mappings.map((mapping) => mapping.Properties)).toEqual(
      expect.arrayContaining(
        (
          [
            ['incidents.fifo', WORKER_MAX_CONCURRENCY.incidents],
            ['alarms', WORKER_MAX_CONCURRENCY.alarms],
            ['follow-ups', WORKER_MAX_CONCURRENCY.followUps],
          ] as const
        ).map(([queueName, concurrency]) =>
          expect.objectContaining({
            EventSourceArn: queueArn(queueName),
            BatchSize: 1,
            FunctionResponseTypes: ['ReportBatchItemFailures'],
            ScalingConfig: { MaximumConcurrency: concurrency },
          }),
        ),
      ),
    );
    expect(mappings).toHaveLength(3);
  });

  it('queues incidents on a KMS-encrypted FIFO queue with a dead-letter queue after 3 receives and 6x the worker timeout', () => {
    const { guard } = synthesized();
    guard.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: `${name()}-incidents.fifo`,
      FifoQueue: true,
      ContentBasedDeduplication: true,
      KmsMasterKeyId: Match.anyValue(),
      VisibilityTimeout: WORKER_TIMEOUT.toSeconds() * 6,
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 3 },
    });
    guard.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: `${name()}-incidents-dlq.fifo`,
      FifoQueue: true,
    });
    guard.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: `${name()}-follow-ups`,
      VisibilityTimeout: WORKER_TIMEOUT.toSeconds() * 6,
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 3 },
    });
    const alarmDeadLetters = logicalIdOf(synthesized(), 'AWS::SQS::Queue', `"${name()}-alarms-dlq"`);
    guard.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: `${name()}-alarms`,
      FifoQueue: Match.absent(),
      KmsMasterKeyId: Match.anyValue(),
      VisibilityTimeout: WORKER_TIMEOUT.toSeconds() * 6,
      MessageRetentionPeriod: 4 * 24 * 3600,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [alarmDeadLetters, 'Arn'] }, maxReceiveCount: 3 },
    });
    guard.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: `${name()}-alarms-dlq`,
      FifoQueue: Match.absent(),
      KmsMasterKeyId: Match.anyValue(),
    });
    for (const policy of resourcesOf(guard, 'AWS::SQS::QueuePolicy')) {
      expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
    }
  });

  it('forwards CloudWatch alarm state changes, except its own alarms, to a standard queue of their own with no message group, so alarms for different objects never wait on each other', () => {
    const { guard } = synthesized();
    const queueId = logicalIdOf(synthesized(), 'AWS::SQS::Queue', `"${name()}-alarms"`);
    guard.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        detail: {
          alarmName: [{ 'anything-but': { prefix: `${name()}-guard` } }],
          state: { value: ['ALARM', 'OK'] },
        },
      },
      Targets: [
        { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] }, Id: Match.anyValue(), SqsParameters: Match.absent() },
      ],
    });
    // EventBridge may send to it from this account (aws-events:eventsTargetQueueSameAccount; the
    // rule above is the only one here), and nobody else may.
    guard.resourceCountIs('AWS::Events::Rule', 1);
    const policy = resourcesOf(guard, 'AWS::SQS::QueuePolicy').find(
      (candidate) => JSON.stringify(candidate.Properties.Queues) === JSON.stringify([{ Ref: queueId }]),
    );
    const statements = (policy?.Properties.PolicyDocument as { Statement: Statement[] } | undefined)
      ?.Statement;
    expect(statements?.filter((statement) => statement.Effect === 'Allow')).toEqual([
      expect.objectContaining({
        Action: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
        Principal: { Service: 'events.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': environment().account } },
      }),
    ]);
    const queueKey = logicalIdOf(synthesized(), 'AWS::KMS::Key', 'Encrypts the fluxguard queues');
    const keyPolicy = JSON.stringify(guard.findResources('AWS::KMS::Key')[queueKey]?.Properties.KeyPolicy);
    expect(keyPolicy).toContain('events.amazonaws.com');
  });

  it('keeps state in an on-demand table with pk/sk, PITR, its own KMS key, TTL on expiresAt and deletion protection in production', () => {
    synthesized().guard.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TableName: `${name()}-state`,
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      Replicas: [
        Match.objectLike({
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          DeletionProtectionEnabled: environment().deletionProtection,
          SSESpecification: { KMSMasterKeyId: Match.anyValue() },
        }),
      ],
    });
  });

  it('alerts through a KMS-encrypted, TLS-only topic that CloudWatch alarms may publish to', () => {
    const { guard } = synthesized();
    guard.hasResourceProperties('AWS::SNS::Topic', {
      TopicName: `${name()}-alerts`,
      KmsMasterKeyId: Match.anyValue(),
    });
    expect(
      JSON.stringify(resourcesOf(guard, 'AWS::SNS::TopicPolicy')[0]?.Properties.PolicyDocument),
    ).toContain('"aws:SecureTransport":"false"');
    const key = logicalIdOf(synthesized(), 'AWS::KMS::Key', 'Encrypts the SNS topic');
    expect(JSON.stringify(guard.findResources('AWS::KMS::Key')[key]?.Properties.KeyPolicy)).toContain(
      'cloudwatch.amazonaws.com',
    );
    const emails = resourcesOf(guard, 'AWS::SNS::Subscription').filter(
      (s) => s.Properties.Protocol === 'email',
    );
    expect(emails.map((s) => s.Properties.Endpoint)).toEqual(environment().guard.alertEmails);
  });

  it('serves the webhook through a private REST API reachable only through its execute-api endpoint in the cluster VPC', () => {
    const { guard } = synthesized();
    const endpointId = logicalIdOf(synthesized(), 'AWS::EC2::VPCEndpoint', 'execute-api');
    guard.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Interface',
      PrivateDnsEnabled: false,
      ServiceName: Match.stringLikeRegexp('execute-api'),
    });
    const api = resourcesOf(guard, 'AWS::ApiGateway::RestApi')[0];
    expect(api?.Properties.EndpointConfiguration).toEqual({
      Types: ['PRIVATE'],
      VpcEndpointIds: [{ Ref: endpointId }],
    });
    expect((api?.Properties.Policy as { Statement: Statement[] } | undefined)?.Statement).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Condition: { StringEquals: { 'aws:SourceVpce': { Ref: endpointId } } },
      }),
      expect.objectContaining({
        Effect: 'Deny',
        Condition: { StringNotEquals: { 'aws:SourceVpce': { Ref: endpointId } } },
      }),
    ]);
    guard.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'v1',
      TracingEnabled: true,
      AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }),
      MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 })],
    });
    const paths = resourcesOf(guard, 'AWS::ApiGateway::Resource')
      .map((r) => r.Properties.PathPart)
      .sort();
    expect(paths).toEqual(['alertmanager', 'flux']);
    const methods = resourcesOf(guard, 'AWS::ApiGateway::Method');
    expect(methods.map((m) => m.Properties.HttpMethod)).toEqual(['POST', 'POST', 'POST']);
    expect(methods.map((m) => Object.keys(m.Properties.RequestParameters as object)[0]).sort()).toEqual([
      'method.request.header.Authorization',
      'method.request.header.X-Signature',
      'method.request.header.X-Signature',
    ]);
    guard.resourceCountIs('AWS::Lambda::Url', environment().guard.publicWebhook ? 1 : 0);
    guard.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: `${name()}-flux-webhook`,
      Environment: {
        Variables: Match.objectLike({
          MAX_BODY_BYTES: '131072',
          ALERTMANAGER_TOKEN_SECRET_ARN: Match.anyValue(),
        }),
      },
    });
  });

  it('generates the HMAC and Alertmanager tokens, creates the GitHub secret empty, and lets External Secrets read exactly the tokens', () => {
    const { guard } = synthesized();
    const cluster = name();
    guard.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: `fluxguard/${cluster}/webhook-hmac`,
      GenerateSecretString: Match.objectLike({ GenerateStringKey: 'token', SecretStringTemplate: '{}' }),
    });
    guard.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: `fluxguard/${cluster}/alertmanager-token`,
      GenerateSecretString: Match.objectLike({ GenerateStringKey: 'token' }),
    });
    guard.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: `fluxguard/${cluster}/github`,
      SecretString: '{}',
    });
    guard.hasResourceProperties(
      'AWS::EKS::PodIdentityAssociation',
      EXTERNAL_SECRETS_SERVICE_ACCOUNT.namespace === 'external-secrets'
        ? { Namespace: 'external-secrets', ServiceAccount: 'external-secrets' }
        : {},
    );
    const roleId = logicalIdOf(synthesized(), 'AWS::IAM::Role', 'External Secrets Operator');
    expect(grants(synthesized(), roleId)).toEqual({
      'secretsmanager:DescribeSecret': [
        JSON.stringify({
          Ref: logicalIdOf(synthesized(), 'AWS::SecretsManager::Secret', 'alertmanager-token'),
        }),
        JSON.stringify({ Ref: logicalIdOf(synthesized(), 'AWS::SecretsManager::Secret', 'webhook-hmac') }),
      ].sort(),
      'secretsmanager:GetSecretValue': [
        JSON.stringify({
          Ref: logicalIdOf(synthesized(), 'AWS::SecretsManager::Secret', 'alertmanager-token'),
        }),
        JSON.stringify({ Ref: logicalIdOf(synthesized(), 'AWS::SecretsManager::Secret', 'webhook-hmac') }),
      ].sort(),
    });
  });

  it('maps the worker role to the fluxguard-guard group with view access to the watched namespaces only', () => {
    const { guard } = synthesized();
    const workerRole = roleOf(synthesized(), `${name()}-incident-worker`);
    const entry = resourcesOf(guard, 'AWS::EKS::AccessEntry')[0];
    expect(resourcesOf(guard, 'AWS::EKS::AccessEntry')).toHaveLength(1);
    expect(entry?.Properties).toMatchObject({
      PrincipalArn: { 'Fn::GetAtt': [workerRole, 'Arn'] },
      KubernetesGroups: [GUARD_KUBERNETES_GROUP],
      AccessPolicies: [{ AccessScope: { Type: 'namespace', Namespaces: environment().guardNamespaces } }],
    });
    expect(JSON.stringify(entry?.Properties.AccessPolicies)).toMatch(
      /cluster-access-policy\/AmazonEKSViewPolicy"/,
    );
    guard.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp',
      FromPort: 443,
      ToPort: 443,
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('WorkerSecurityGroup'), 'GroupId'] },
    });
  });

  it('grants the webhook only its secrets, its queue and that queue’s key', () => {
    const webhook = grants(synthesized(), roleOf(synthesized(), `${name()}-flux-webhook`));
    expect(Object.keys(webhook).sort()).toEqual(
      [
        'kms:Decrypt',
        'kms:Encrypt',
        'kms:GenerateDataKey*',
        'kms:ReEncrypt*',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'secretsmanager:DescribeSecret',
        'secretsmanager:GetSecretValue',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:SendMessage',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ].sort(),
    );
    expect(webhook['sqs:SendMessage']).toEqual([
      JSON.stringify({
        'Fn::GetAtt': [logicalIdOf(synthesized(), 'AWS::SQS::Queue', '-incidents.fifo"'), 'Arn'],
      }),
    ]);
    expect(webhook['kms:Decrypt']).toEqual([
      JSON.stringify({
        'Fn::GetAtt': [logicalIdOf(synthesized(), 'AWS::KMS::Key', 'Encrypts the fluxguard queues'), 'Arn'],
      }),
    ]);
  });

  it('grants the worker DescribeCluster on its cluster only, its queues, table, topic, GitHub secret and keys, and alarm tags', () => {
    const worker = grants(synthesized(), roleOf(synthesized(), `${name()}-incident-worker`));
    expect(worker['eks:DescribeCluster']).toHaveLength(1);
    expect(worker['eks:DescribeCluster']?.[0]).toMatch(/ClusterArn|Cluster.*Arn/);
    expect(worker['cloudwatch:ListTagsForResource']).toEqual([
      JSON.stringify(
        `arn:aws:cloudwatch:${synthesized().target.region.region}:${environment().account}:alarm:*`,
      ),
    ]);
    expect(worker['sns:Publish']).toEqual([
      JSON.stringify({ Ref: logicalIdOf(synthesized(), 'AWS::SNS::Topic', '-alerts"') }),
    ]);
    expect(worker['secretsmanager:GetSecretValue']).toEqual([
      JSON.stringify({ Ref: logicalIdOf(synthesized(), 'AWS::SecretsManager::Secret', '/github"') }),
    ]);
    expect(worker['sqs:SendMessage']).toEqual([
      JSON.stringify({
        'Fn::GetAtt': [logicalIdOf(synthesized(), 'AWS::SQS::Queue', '-follow-ups"'), 'Arn'],
      }),
    ]);
    expect(worker['sqs:ReceiveMessage']).toEqual(
      ['incidents.fifo', 'alarms', 'follow-ups']
        .map((queueName) =>
          JSON.stringify({
            'Fn::GetAtt': [logicalIdOf(synthesized(), 'AWS::SQS::Queue', `"${name()}-${queueName}"`), 'Arn'],
          }),
        )
        .sort(),
    );
    expect(worker['dynamodb:PutItem']).toHaveLength(1);
    // Only the actions AWS documents without resource-level permissions use "*".
    const wildcard = Object.entries(worker)
      .filter(([, resources]) => resources.includes('"*"'))
      .map(([action]) => action)
      .sort();
    expect(wildcard).toEqual([
      'ec2:AssignPrivateIpAddresses',
      'ec2:CreateNetworkInterface',
      'ec2:DeleteNetworkInterface',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DescribeSubnets',
      'ec2:UnassignPrivateIpAddresses',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
  });

  it('watches itself: alarms on function errors and throttles, dead letters, message age and webhook 5xx, to the alert topic, and a dashboard', () => {
    const { guard } = synthesized();
    const topic = logicalIdOf(synthesized(), 'AWS::SNS::Topic', '-alerts"');
    const own = resourcesOf(guard, 'AWS::CloudWatch::Alarm').filter((alarm) =>
      String(alarm.Properties.AlarmName).startsWith(`${name()}-guard`),
    );
    const metrics = own.map((alarm) => JSON.stringify(alarm.Properties));
    const functions = environment().guard.slackNotifier ? 3 : 2;
    expect(metrics.filter((m) => m.includes('"Errors"'))).toHaveLength(functions);
    expect(metrics.filter((m) => m.includes('"Throttles"'))).toHaveLength(functions);
    // One message-age alarm per queue the worker reads, one dead-letter alarm per dead-letter queue.
    expect(metrics.filter((m) => m.includes('ApproximateAgeOfOldestMessage'))).toHaveLength(3);
    expect(metrics.filter((m) => m.includes('ApproximateNumberOfMessagesVisible'))).toHaveLength(3);
    const alarmDeadLetters = logicalIdOf(synthesized(), 'AWS::SQS::Queue', `"${name()}-alarms-dlq"`);
    expect(
      metrics.filter(
        (m) =>
          m.includes('ApproximateNumberOfMessagesVisible') &&
          m.includes(JSON.stringify({ 'Fn::GetAtt': [alarmDeadLetters, 'QueueName'] })),
      ),
    ).toHaveLength(1);
    expect(metrics.filter((m) => m.includes('5XXError'))).toHaveLength(1);
    for (const alarm of own) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topic }]);
    const dashboard = JSON.stringify(
      resourcesOf(guard, 'AWS::CloudWatch::Dashboard')[0]?.Properties.DashboardBody,
    );
    for (const metric of Object.values(GUARD_DASHBOARD_METRICS)) {
      expect(dashboard).toContain(metric);
    }
  });

  it('alarms on the sample app’s container restarts through Container Insights, tagged for the worker', () => {
    const { guard } = synthesized();
    guard.hasResourceProperties('AWS::EKS::Addon', {
      AddonName: 'amazon-cloudwatch-observability',
      ConfigurationValues: JSON.stringify({ containerLogs: { enabled: false } }),
      PodIdentityAssociations: [{ RoleArn: Match.anyValue(), ServiceAccount: 'cloudwatch-agent' }],
    });
    guard.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'ContainerInsights',
      MetricName: 'pod_number_of_container_restarts',
      Dimensions: Match.arrayWith([
        { Name: 'Namespace', Value: SAMPLE_APP.namespace },
        { Name: 'PodName', Value: SAMPLE_APP.workload },
      ]),
      Tags: Match.arrayWith([{ Key: ALARM_TARGET_TAGS.target, Value: SAMPLE_APP.kustomization }]),
    });
  });

  it('references the cluster one way: the cluster stack reads nothing from the guard stack', () => {
    expect(JSON.stringify(synthesized().cluster.toJSON())).not.toMatch(/-guard"|GuardStack|Guard\//);
  });
}
