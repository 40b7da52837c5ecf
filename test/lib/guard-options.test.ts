import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { fluxManifests } from './every-stage.js';
import { itBehavesLikeAGuardStack } from './guard-stage.js';
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

  it('opens a public Function URL and gives it to Flux', () => {
    synthesized.guard.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE' });
    const configMap = fluxManifests(synthesized).find((manifest) => manifest.kind === 'ConfigMap');
    expect(configMap?.data?.fluxguard_webhook_url).toBe('TOKEN');
  });

  it('passes cdk-nag with every finding acknowledged', () => {
    expect(synthesized.unacknowledgedNagFindings).toEqual([]);
  });
});
