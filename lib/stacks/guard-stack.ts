import { ArnFormat, CfnOutput, Duration, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { IVpc } from 'aws-cdk-lib/aws-ec2';
import type { Cluster } from 'aws-cdk-lib/aws-eks-v2';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { GuardAlertTopic } from '../constructs/guard-alert-topic.js';
import { GuardAppHealthAlarm } from '../constructs/guard-app-health-alarm.js';
import { GuardClusterAccess } from '../constructs/guard-cluster-access.js';
import { GuardFunction } from '../constructs/guard-function.js';
import { GuardMonitoring } from '../constructs/guard-monitoring.js';
import { GuardQueues } from '../constructs/guard-queues.js';
import { GuardSecrets } from '../constructs/guard-secrets.js';
import { GuardStateTable } from '../constructs/guard-state-table.js';
import { GuardWebhookApi, WEBHOOK_STAGE } from '../constructs/guard-webhook-api.js';
import { acknowledge, wildcardResourceFinding } from '../nag.js';
import { clusterName, type DeploymentTarget, removalPolicyOf, tagsOf } from '../target.js';

/** Properties of {@link GuardStack}. */
export interface GuardStackProps extends StackProps {
  readonly target: DeploymentTarget;
  /** The cluster's VPC (network stack). */
  readonly vpc: IVpc;
  /** The cluster (cluster stack); referenced one way only, so the cluster never depends on the guard. */
  readonly cluster: Cluster;
}

/** The incident worker's timeout: three confirming checks, GitHub calls and a reconcile request fit well inside. */
export const WORKER_TIMEOUT = Duration.minutes(5);
/**
 * How many worker invocations each queue may run at once: protects GitHub's and the cluster's APIs.
 * Alarms get as many as the incident queue, since an alarm can lead to a revert as a Flux event can.
 */
export const WORKER_MAX_CONCURRENCY = { incidents: 5, alarms: 5, followUps: 2 } as const;
/** The largest Flux event body the webhook accepts (413 above). */
export const WEBHOOK_MAX_BODY_BYTES = 131_072;

/**
 * The guard of one cluster: the webhook (a private REST API through an interface endpoint in
 * the cluster's VPC, optionally a public Function URL), the incident, alarm and follow-up queues,
 * the alarm rule, the state table, the alert topic with its subscribers, the secrets, the three
 * functions, the worker's way into the cluster (security group and access entry), the guard's
 * own alarms and dashboard, and a health alarm on the sample app.
 */
export class GuardStack extends Stack {
  /** The URL Flux's Provider posts events to (written into cluster-config by the flux stack). */
  readonly webhookUrl: string;
  /** The URL Alertmanager posts alerts to (written into cluster-config by the flux stack). */
  readonly alertmanagerUrl: string;

  constructor(scope: Construct, id: string, props: GuardStackProps) {
    super(scope, id, props);
    const { target, vpc, cluster } = props;
    const { environment } = target;
    const { guard } = environment;
    const name = clusterName(target);
    const removalPolicy = removalPolicyOf(environment);
    const logRetention = environment.logRetentionDays as RetentionDays;
    const alarmPrefix = `${name}-guard`;
    const functionDefaults = { logRetention, removalPolicy };

    const secrets = new GuardSecrets(this, 'Secrets', {
      clusterName: name,
      clusterArn: cluster.clusterArn,
      slack: guard.slackNotifier,
      removalPolicy,
    });
    const queues = new GuardQueues(this, 'Queues', {
      namePrefix: name,
      workerTimeout: WORKER_TIMEOUT,
      ownAlarmPrefix: alarmPrefix,
      removalPolicy,
    });
    const state = new GuardStateTable(this, 'State', {
      tableName: `${name}-state`,
      deletionProtection: environment.deletionProtection,
      removalPolicy,
    });
    const alerts = new GuardAlertTopic(this, 'Alerts', { topicName: `${name}-alerts`, guard, removalPolicy });

    const webhook = new GuardFunction(this, 'FluxWebhook', {
      ...functionDefaults,
      name: 'flux-webhook',
      functionName: `${name}-flux-webhook`,
      description: 'Verifies Flux and Alertmanager webhooks and queues incidents',
      timeout: Duration.seconds(10),
      environment: {
        WEBHOOK_SECRET_ARN: secrets.webhookHmac.secretArn,
        ALERTMANAGER_TOKEN_SECRET_ARN: secrets.alertmanagerToken.secretArn,
        INCIDENT_QUEUE_URL: queues.incidents.queueUrl,
        MAX_BODY_BYTES: String(WEBHOOK_MAX_BODY_BYTES),
        CLUSTER_NAME: name,
      },
    });
    secrets.webhookHmac.grantRead(webhook.function);
    secrets.alertmanagerToken.grantRead(webhook.function);
    queues.incidents.grantSendMessages(webhook.function);

    const access = new GuardClusterAccess(this, 'ClusterAccess', {
      vpc,
      clusterName: cluster.clusterName,
      clusterSecurityGroupId: cluster.clusterSecurityGroupId,
    });
    const worker = new GuardFunction(this, 'IncidentWorker', {
      ...functionDefaults,
      name: 'incident-worker',
      functionName: `${name}-incident-worker`,
      description: 'Validates rollouts, reverts failed ones in git and alerts',
      timeout: WORKER_TIMEOUT,
      memorySize: 512,
      environment: {
        STATE_TABLE_NAME: state.table.tableName,
        ALERT_TOPIC_ARN: alerts.topic.topicArn,
        FOLLOW_UP_QUEUE_URL: queues.followUps.queueUrl,
        CLUSTER_NAME: cluster.clusterName,
        ENVIRONMENT: environment.name,
        DEFAULT_MODE: guard.mode,
        DRY_RUN: String(guard.dryRun),
        GITHUB_TOKEN_SECRET_ARN: secrets.github.secretArn,
        GITHUB_API_URL: guard.githubApiUrl,
      },
      vpc: { vpc, securityGroups: [access.securityGroup] },
    });
    access.addAccessEntry(worker.role, environment.guardNamespaces);
    this.grantWorker(worker, { state, alerts, queues, secrets, clusterArn: cluster.clusterArn });
    worker.function.addEventSource(
      new SqsEventSource(queues.incidents, {
        batchSize: 1,
        reportBatchItemFailures: true,
        maxConcurrency: WORKER_MAX_CONCURRENCY.incidents,
      }),
    );
    worker.function.addEventSource(
      new SqsEventSource(queues.alarms, {
        batchSize: 1,
        reportBatchItemFailures: true,
        maxConcurrency: WORKER_MAX_CONCURRENCY.alarms,
      }),
    );
    worker.function.addEventSource(
      new SqsEventSource(queues.followUps, {
        batchSize: 1,
        reportBatchItemFailures: true,
        maxConcurrency: WORKER_MAX_CONCURRENCY.followUps,
      }),
    );

    const functions = [
      { name: 'flux-webhook', function: webhook.function },
      { name: 'incident-worker', function: worker.function },
    ];
    if (secrets.slack) {
      const notifier = new GuardFunction(this, 'SlackNotifier', {
        ...functionDefaults,
        name: 'slack-notifier',
        functionName: `${name}-slack-notifier`,
        description: 'Posts guard alerts to Slack, one thread per incident',
        timeout: Duration.seconds(30),
        environment: { SLACK_SECRET_ARN: secrets.slack.secretArn, STATE_TABLE_NAME: state.table.tableName },
      });
      secrets.slack.grantRead(notifier.function);
      state.table.grantReadWriteData(notifier.function);
      alerts.subscribeSlackNotifier(notifier.function);
      functions.push({ name: 'slack-notifier', function: notifier.function });
    }

    const api = new GuardWebhookApi(this, 'WebhookApi', {
      apiName: `${name}-webhook`,
      vpc,
      vpcCidr: target.region.vpcCidr,
      handler: webhook.function,
      publicUrl: guard.publicWebhook,
      logRetention,
      removalPolicy,
    });
    this.webhookUrl = environment.fluxguardWebhookUrl ?? api.publicFluxUrl ?? api.fluxUrl;
    // A Function URL serves every path; the private API has its own /alertmanager resource.
    this.alertmanagerUrl = api.publicFluxUrl ? `${api.publicFluxUrl}alertmanager` : api.alertmanagerUrl;

    const monitoring = new GuardMonitoring(this, 'Monitoring', {
      namePrefix: alarmPrefix,
      alertTopic: alerts.topic,
      functions,
      queues: [
        { name: 'incidents', queue: queues.incidents, deadLetters: queues.incidentsDeadLetters },
        { name: 'alarms', queue: queues.alarms, deadLetters: queues.alarmsDeadLetters },
        { name: 'follow-ups', queue: queues.followUps, deadLetters: queues.followUpsDeadLetters },
      ],
      api: api.api,
      apiStage: WEBHOOK_STAGE,
      maxMessageAge: Duration.seconds(WORKER_TIMEOUT.toSeconds() * 6),
    });
    // cfn-lint (1.51) does not know that dashboards take tags yet and fails the template; a
    // dashboard costs the same with or without them.
    for (const key of Object.keys(tagsOf(target))) {
      Tags.of(monitoring).remove(key, { includeResourceTypes: ['AWS::CloudWatch::Dashboard'] });
    }
    new GuardAppHealthAlarm(this, 'AppHealth', {
      clusterName: cluster.clusterName,
      clusterArn: cluster.clusterArn,
      alarmName: `${name}-sre-challenge-app-restarts`,
      logRetention,
      removalPolicy,
    });

    new CfnOutput(this, 'WebhookUrl', {
      description: 'Where Flux posts events (cluster-config fluxguard_webhook_url)',
      value: this.webhookUrl,
    });
    new CfnOutput(this, 'AlertmanagerUrl', {
      description: 'Where Alertmanager posts alerts (bearer token in the AlertmanagerTokenSecret)',
      value: api.alertmanagerUrl,
    });
    new CfnOutput(this, 'GitHubSecretName', {
      description: 'Fill with the GitHub credentials: aws secretsmanager put-secret-value',
      value: secrets.github.secretName,
    });
    if (secrets.slack) {
      new CfnOutput(this, 'SlackSecretName', {
        description: 'Fill with the Slack bot token: aws secretsmanager put-secret-value',
        value: secrets.slack.secretName,
      });
    }
    new CfnOutput(this, 'AlertTopicArn', { value: alerts.topic.topicArn });
  }

  /** What the worker may do besides reading its queues: each grant names its resource. */
  private grantWorker(
    worker: GuardFunction,
    resources: {
      state: GuardStateTable;
      alerts: GuardAlertTopic;
      queues: GuardQueues;
      secrets: GuardSecrets;
      clusterArn: string;
    },
  ): void {
    const { state, alerts, queues, secrets, clusterArn } = resources;
    state.table.grantReadWriteData(worker.function);
    alerts.topic.grantPublish(worker.function);
    queues.followUps.grantSendMessages(worker.function);
    secrets.github.grantRead(worker.function);
    worker.role.addToPolicy(
      new PolicyStatement({ actions: ['eks:DescribeCluster'], resources: [clusterArn] }),
    );
    const alarms = this.formatArn({
      service: 'cloudwatch',
      resource: 'alarm',
      resourceName: '*',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    worker.role.addToPolicy(
      new PolicyStatement({ actions: ['cloudwatch:ListTagsForResource'], resources: [alarms] }),
    );
    acknowledge(
      worker.role,
      [wildcardResourceFinding(this.resolve(alarms) as string)],
      'The worker reads the fluxguard:target tag of whichever alarm changed state; alarms are created by app teams at any time, so the resource is every alarm in this account and region (read-only, tags only).',
    );
  }
}
