import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** How many times a message is received before it moves to its dead-letter queue. */
export const MAX_RECEIVE_COUNT = 3;

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
 *   handled in order and never twice at once), fed by the webhook (Flux events and Alertmanager
 *   alerts);
 * - the alarm queue (standard), fed by an EventBridge rule that forwards every CloudWatch alarm
 *   state change but the guard's own (the worker keeps the alarms tagged `fluxguard:target`).
 *   EventBridge can only give an SQS target one static message group, which on a FIFO queue would
 *   make the alarms of every object wait on each other; on a standard queue they never wait, and
 *   the worker's object lease in the state table handles one object's messages one at a time,
 *   whichever queue they come from;
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
  /** Standard queue of CloudWatch alarm state changes, from {@link alarmRule}. */
  readonly alarms: Queue;
  /** Where alarm messages go after {@link MAX_RECEIVE_COUNT} failed receives. */
  readonly alarmsDeadLetters: Queue;
  /** Standard queue of delayed follow-up checks. */
  readonly followUps: Queue;
  /** Where follow-up messages go after {@link MAX_RECEIVE_COUNT} failed receives. */
  readonly followUpsDeadLetters: Queue;
  /** The EventBridge rule that queues CloudWatch alarm state changes on {@link alarms}. */
  readonly alarmRule: Rule;

  constructor(scope: Construct, id: string, props: GuardQueuesProps) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: `Encrypts the fluxguard queues of ${props.namePrefix}`,
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy,
    });
    // EventBridge encrypts what it sends to the alarm queue with this key.
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
      // The webhook sets a deduplication id of its own, which takes precedence; a sender that
      // sets none is deduplicated by content rather than refused.
      contentBasedDeduplication: true,
      visibilityTimeout,
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.incidentsDeadLetters, maxReceiveCount: MAX_RECEIVE_COUNT },
    });

    this.alarmsDeadLetters = new Queue(this, 'AlarmsDeadLetters', {
      ...deadLetters,
      queueName: `${props.namePrefix}-alarms-dlq`,
    });
    this.alarms = new Queue(this, 'Alarms', {
      ...common,
      queueName: `${props.namePrefix}-alarms`,
      visibilityTimeout,
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.alarmsDeadLetters, maxReceiveCount: MAX_RECEIVE_COUNT },
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
      // No message group (a standard queue). The target adds a queue policy that lets EventBridge
      // send from this account only (aws-events:eventsTargetQueueSameAccount).
      targets: [new SqsQueue(this.alarms)],
    });
  }
}
