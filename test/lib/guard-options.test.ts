import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { fluxManifests } from './every-stage.js';
import { grants, itBehavesLikeAGuardStack, logicalIdOf, roleOf } from './guard-stage.js';
import { resourcesOf, type SynthesizedStage, synthesizeStage } from './synth.js';

describe('a guard with every option: email, Amazon Q Developer in Slack, the slack-notifier, a public webhook', () => {
  let synthesized: SynthesizedStage;

  beforeAll(() => {
    synthesized = synthesizeStage('staging', 'eu-central-1', {
      stagingAlertEmails: 'oncall@example.com',
      stagingSlackWorkspaceId: 'T0123456789',
      stagingSlackChannelId: 'C0123456789',
      stagingSlackNotifier: 'true',
      stagingPublicWebhook: 'true',
      stagingGuardMode: 'pull-request',
    });
  });

  itBehavesLikeAGuardStack(() => synthesized);

  it('configures the Slack channel with a read-only role and guardrail', () => {
    synthesized.guard.hasResourceProperties('AWS::Chatbot::SlackChannelConfiguration', {
      SlackWorkspaceId: 'T0123456789',
      SlackChannelId: 'C0123456789',
      SnsTopicArns: [{ Ref: Match.stringLikeRegexp('^AlertsTopic') }],
      GuardrailPolicies: [
        Match.objectLike({
          'Fn::Join': Match.arrayWith([Match.arrayWith([':iam::aws:policy/CloudWatchReadOnlyAccess'])]),
        }),
      ],
    });
  });

  it('subscribes the slack-notifier to the guard’s alerts only, with a dead-letter queue', () => {
    const lambda = resourcesOf(synthesized.guard, 'AWS::SNS::Subscription').find(
      (subscription) => subscription.Properties.Protocol === 'lambda',
    );
    expect(lambda?.Properties).toMatchObject({
      FilterPolicy: { state: [{ exists: true }] },
      RedrivePolicy: { deadLetterTargetArn: expect.anything() },
    });
  });

  it('sends an alert the slack-notifier failed to deliver after its retries to the same dead-letter queue', () => {
    const subscription = resourcesOf(synthesized.guard, 'AWS::SNS::Subscription').find(
      (candidate) => candidate.Properties.Protocol === 'lambda',
    );
    const redrive = subscription?.Properties.RedrivePolicy as { deadLetterTargetArn: unknown } | undefined;
    const invokeConfig = resourcesOf(synthesized.guard, 'AWS::Lambda::EventInvokeConfig');
    expect(invokeConfig).toHaveLength(1);
    expect(invokeConfig[0]?.Properties).toMatchObject({
      MaximumRetryAttempts: 2,
      DestinationConfig: {
        OnFailure: { Destination: redrive?.deadLetterTargetArn },
      },
    });
  });

  it('grants the slack-notifier only its Slack secret, the state table, their keys and its dead-letter queue', () => {
    // Prepare
    const notifier = grants(
      synthesized,
      roleOf(synthesized, 'fluxguard-staging-eu-central-1-slack-notifier'),
    );
    const table = JSON.stringify({
      'Fn::GetAtt': [logicalIdOf(synthesized, 'AWS::DynamoDB::GlobalTable', '-state"'), 'Arn'],
    });

    // Assess
    expect(notifier['secretsmanager:GetSecretValue']).toEqual([
      JSON.stringify({ Ref: logicalIdOf(synthesized, 'AWS::SecretsManager::Secret', '/slack"') }),
    ]);
    expect(notifier['dynamodb:PutItem']).toEqual([table]);
    // The table's key, and the alert topic's key that encrypts the notifier's dead-letter queue.
    expect([...(notifier['kms:Decrypt'] ?? [])].sort()).toEqual(
      [
        JSON.stringify({
          'Fn::GetAtt': [logicalIdOf(synthesized, 'AWS::KMS::Key', 'Encrypts the DynamoDB table'), 'Arn'],
        }),
        JSON.stringify({ 'Fn::GetAtt': ['AlertsKey9E1197AF', 'Arn'] }),
      ].sort(),
    );
    expect(Object.keys(notifier).filter((action) => /^(sns|eks|ec2|cloudwatch):/.test(action))).toEqual([]);
    // SQS only to hand a failed alert to its dead-letter queue.
    // (grantSendMessages: SendMessage with the two reads it needs), on that one queue.
    expect(Object.keys(notifier).filter((action) => action.startsWith('sqs:'))).toEqual([
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:SendMessage',
    ]);
    expect(
      new Set(
        ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'].flatMap((a) => notifier[a] ?? []),
      ).size,
    ).toBe(1);
  });

  it('gives the Amazon Q Developer channel a read-only role', () => {
    const role = Object.values(synthesized.guard.findResources('AWS::IAM::Role')).find((candidate) =>
      JSON.stringify(candidate.Properties.AssumeRolePolicyDocument).includes('chatbot.amazonaws.com'),
    );
    expect(role?.Properties.Policies).toBeUndefined();
    expect(JSON.stringify(role?.Properties.ManagedPolicyArns)).toMatch(/policy\/CloudWatchReadOnlyAccess"/);
  });

  it('opens a public Function URL and gives it to Flux', () => {
    synthesized.guard.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE' });
    const configMap = fluxManifests(synthesized).find((manifest) => manifest.kind === 'ConfigMap');
    expect(configMap?.data?.fluxguard_webhook_url).toBe('TOKEN');
  });

  it('passes cdk-nag with every finding acknowledged', () => {
    expect(synthesized.unacknowledgedNagFindings).toEqual([]);
  });
});

describe('a guard behind a URL of its own', () => {
  it('gives Flux the configured URL instead of the guard’s own, and outputs it', () => {
    // Prepare
    const url = 'https://fluxguard.example.com/flux';

    // Act
    const synthesized = synthesizeStage('production', 'eu-central-1', {
      fluxguardWebhookUrl: url,
      productionPublicWebhook: 'true',
    });

    // Assess
    const configMap = fluxManifests(synthesized).find((manifest) => manifest.kind === 'ConfigMap');
    expect(configMap?.data?.fluxguard_webhook_url).toBe(url);
    synthesized.guard.hasOutput('WebhookUrl', { Value: url });
  });
});
