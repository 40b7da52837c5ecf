import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { LoggingLevel, SlackChannelConfiguration } from 'aws-cdk-lib/aws-chatbot';
import { ManagedPolicy, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SubscriptionFilter, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription, LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { GuardConfig } from '../config.js';
import { acknowledge, managedPolicyFinding } from '../nag.js';

/** The AWS-managed policy that both scopes the Slack channel's role and caps what its users may do. */
export const CHATBOT_READ_ONLY_POLICY = 'CloudWatchReadOnlyAccess';

/** Properties of {@link GuardAlertTopic}. */
export interface GuardAlertTopicProps {
  readonly topicName: string;
  readonly guard: GuardConfig;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Where every alert goes: one SNS topic (TLS only, encrypted with a key of its own whose policy
 * lets CloudWatch alarms publish), with the configured email subscriptions and, when configured,
 * an Amazon Q Developer in chat applications Slack channel whose role and guardrail are read-only.
 * The slack-notifier subscribes through {@link subscribeSlackNotifier}.
 *
 * @example
 * const alerts = new GuardAlertTopic(this, 'Alerts', { topicName, guard, removalPolicy });
 * alerts.topic.grantPublish(worker.function);
 */
export class GuardAlertTopic extends Construct {
  /** The topic. */
  readonly topic: Topic;
  /** Encrypts it. */
  readonly key: Key;
  /** The Amazon Q Developer Slack channel, when configured. */
  readonly slackChannel?: SlackChannelConfiguration;
  private readonly removalPolicy: RemovalPolicy;

  constructor(scope: Construct, id: string, props: GuardAlertTopicProps) {
    super(scope, id);
    this.removalPolicy = props.removalPolicy;
    this.key = new Key(this, 'Key', {
      description: `Encrypts the SNS topic ${props.topicName}`,
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy,
    });
    // CloudWatch alarm actions publish the guard's own alarms to this topic.
    this.key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new Topic(this, 'Topic', {
      topicName: props.topicName,
      displayName: 'fluxguard alerts',
      masterKey: this.key,
      enforceSSL: true,
    });
    for (const email of props.guard.alertEmails) this.topic.addSubscription(new EmailSubscription(email));

    const slack = props.guard.chatbotSlack;
    if (slack) {
      const readOnly = ManagedPolicy.fromAwsManagedPolicyName(CHATBOT_READ_ONLY_POLICY);
      const role = new Role(this, 'SlackChannelRole', {
        description: `Amazon Q Developer channel role for ${props.topicName}: read-only`,
        assumedBy: new ServicePrincipal('chatbot.amazonaws.com'),
        managedPolicies: [readOnly],
      });
      this.slackChannel = new SlackChannelConfiguration(this, 'SlackChannel', {
        slackChannelConfigurationName: props.topicName,
        slackWorkspaceId: slack.workspaceId,
        slackChannelId: slack.channelId,
        notificationTopics: [this.topic],
        role,
        guardrailPolicies: [readOnly],
        loggingLevel: LoggingLevel.ERROR,
      });
      acknowledge(
        this,
        [managedPolicyFinding(CHATBOT_READ_ONLY_POLICY)],
        'Amazon Q Developer channel roles and guardrails are AWS-managed policies by design; CloudWatchReadOnlyAccess lets the channel show alarm and metric details and nothing more.',
      );
    }
  }

  /**
   * Subscribes the slack-notifier to the guard's alerts (messages that carry the `state`
   * attribute; the guard's own CloudWatch alarms go to email and the Slack channel only), with a
   * dead-letter queue for deliveries Lambda refused and, as the function's on-failure destination,
   * for alerts the notifier failed to deliver after Lambda's two retries: nothing is dropped.
   */
  subscribeSlackNotifier(notifier: IFunction): Queue {
    const deadLetters = new Queue(this, 'SlackNotifierDeadLetters', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: this.removalPolicy,
    });
    this.key.grant(new ServicePrincipal('sns.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    notifier.configureAsyncInvoke({ onFailure: new SqsDestination(deadLetters), retryAttempts: 2 });
    this.topic.addSubscription(
      new LambdaSubscription(notifier, {
        deadLetterQueue: deadLetters,
        filterPolicy: { state: SubscriptionFilter.existsFilter() },
      }),
    );
    acknowledge(
      deadLetters,
      ['AwsSolutions-SQS3'],
      'This queue is itself the dead-letter queue of the slack-notifier (its subscription and its failed invocations).',
    );
    return deadLetters;
  }
}
