import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** How many times a message is received before it moves to its dead-letter queue. */
export const MAX_RECEIVE_COUNT = 3;
/** Message group of every CloudWatch alarm state change the alarm rule queues. */
export const ALARM_MESSAGE_GROUP = 'cloudwatch-alarms';

/** Properties of {@link GuardQueues}. */
export interface GuardQueuesProps {
  /** Name prefix of every queue, e.g. `fluxguard-staging-us-east-1`. */
  readonly namePrefix: string;
  /** The incident worker's timeout: a received message stays invisible for six times as long. */
  readonly workerTimeout: Duration;
  /** Alarms whose names start with this prefix (the guard's own) are not queued as incidents. */
  readonly ownAlarmPrefix: string;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The queues between the guard's inputs and its worker, all encrypted with one key of their own
 * and reachable over TLS only:
 * - the incident queue (FIFO, one message group per Flux object, so one object's events are
 *   handled in order and never twice at once), fed by the webhook and by an EventBridge rule
 *   that forwards every CloudWatch alarm state change (the worker keeps the alarms tagged
 *   `fluxguard:target`);
 * - the follow-up queue (standard, so each message can carry its own `DelaySeconds` up to 15
 *   minutes) for the worker's early-detection checks during a bake window;
 * - a dead-letter queue for each, after {@link MAX_RECEIVE_COUNT} receives.
 *
 * @example
 * const queues = new GuardQueues(this, 'Queues', {
 *   namePrefix: 'fluxguard-staging-us-east-1', workerTimeout: Duration.minutes(5),
 *   ownAlarmPrefix: 'fluxguard-staging-us-east-1-guard', removalPolicy,
 * });
 * queues.incidents.grantSendMessages(webhook.function);
 */
export class GuardQueues extends Construct {
  /** Encrypts every queue. */
  readonly key: Key;
  /** SQS FIFO incident queue. */
  readonly incidents: Queue;
  /** Where incident messages go after {@link MAX_RECEIVE_COUNT} failed receives. */
  readonly incidentsDeadLetters: Queue;
  /** Standard queue of delayed follow-up checks. */
  readonly followUps: Queue;
  /** Where follow-up messages go after {@link MAX_RECEIVE_COUNT} failed receives. */
  readonly followUpsDeadLetters: Queue;
  /** The EventBridge rule that queues CloudWatch alarm state changes. */
  readonly alarmRule: Rule;

  constructor(scope: Construct, id: string, props: GuardQueuesProps) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: `Encrypts the fluxguard queues of ${props.namePrefix}`,
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy,
    });
    // EventBridge encrypts what it sends to the incident queue with this key.
    this.key.grant(new ServicePrincipal('events.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey');

    const visibilityTimeout = Duration.seconds(props.workerTimeout.toSeconds() * 6);
    const common = {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      enforceSSL: true,
      removalPolicy: props.removalPolicy,
    };
    const deadLetters = { ...common, retentionPeriod: Duration.days(14) };

    this.incidentsDeadLetters = new Queue(this, 'IncidentsDeadLetters', {
      ...deadLetters,
      queueName: `${props.namePrefix}-incidents-dlq.fifo`,
      fifo: true,
    });
    this.incidents = new Queue(this, 'Incidents', {
      ...common,
      queueName: `${props.namePrefix}-incidents.fifo`,
      fifo: true,
      // EventBridge delivers to a FIFO queue only with content-based deduplication; the webhook
      // still sets its own deduplication id, which takes precedence.
      contentBasedDeduplication: true,
      visibilityTimeout,
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.incidentsDeadLetters, maxReceiveCount: MAX_RECEIVE_COUNT },
    });

    this.followUpsDeadLetters = new Queue(this, 'FollowUpsDeadLetters', {
      ...deadLetters,
      queueName: `${props.namePrefix}-follow-ups-dlq`,
    });
    this.followUps = new Queue(this, 'FollowUps', {
      ...common,
      queueName: `${props.namePrefix}-follow-ups`,
      visibilityTimeout,
      retentionPeriod: Duration.days(1),
      deadLetterQueue: { queue: this.followUpsDeadLetters, maxReceiveCount: MAX_RECEIVE_COUNT },
    });

    this.alarmRule = new Rule(this, 'AlarmStateChanges', {
      description: 'Queues CloudWatch alarm state changes for the fluxguard incident worker',
      eventPattern: {
        source: ['aws.cloudwatch'],
        detailType: ['CloudWatch Alarm State Change'],
        detail: {
          alarmName: [{ 'anything-but': { prefix: props.ownAlarmPrefix } }],
          state: { value: ['ALARM', 'OK'] },
        },
      },
      targets: [new SqsQueue(this.incidents, { messageGroupId: ALARM_MESSAGE_GROUP })],
    });
  }
}
