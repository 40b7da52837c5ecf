import { Duration } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import { GraphWidget, type IWidget, MathExpression } from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { DefaultDashboardFactory, MonitoringFacade, SnsAlarmActionStrategy } from 'cdk-monitoring-constructs';
import { Construct } from 'constructs';
import { GUARD_METRICS_NAMESPACE } from './guard-function.js';

/**
 * The metrics the dashboard charts, as the functions emit them with Powertools Metrics (the
 * webhook's outcome metrics and the worker's incident metrics; a test keeps the names in step).
 */
export const GUARD_DASHBOARD_METRICS = {
  eventsQueued: 'EventsQueued',
  eventsIgnored: 'EventsIgnored',
  requestsRejected: 'RequestsRejected',
  incidents: 'Incidents',
  reverts: 'Reverts',
  pullRequests: 'PullRequests',
  inconclusive: 'Inconclusive',
  secondsToAction: 'SecondsToAction',
} as const;

/** Properties of {@link GuardMonitoring}. */
export interface GuardMonitoringProps {
  /** Prefix of every alarm and dashboard name; the alarm rule skips alarms with this prefix. */
  readonly namePrefix: string;
  /** Where alarms are sent. */
  readonly alertTopic: ITopic;
  readonly functions: ReadonlyArray<{ readonly name: string; readonly function: IFunction }>;
  readonly queues: ReadonlyArray<{
    readonly name: string;
    readonly queue: IQueue;
    readonly deadLetters: IQueue;
  }>;
  readonly api: RestApi;
  readonly apiStage: string;
  /** A queued message older than this raises an alarm (the worker is stuck or failing). */
  readonly maxMessageAge: Duration;
}

/**
 * The guard watches itself with cdk-monitoring-constructs: alarms on every function's errors and
 * throttles, every dead-letter queue holding a message, the age of the oldest queued message, and
 * webhook 5xx answers, all sent to the alert topic; plus a dashboard of what the guard did
 * (events received and rejected, incidents, reverts, pull requests, inconclusive verdicts, seconds
 * from event to action) above the library's per-resource panels.
 *
 * @example
 * new GuardMonitoring(this, 'Monitoring', {
 *   namePrefix: 'fluxguard-staging-us-east-1-guard', alertTopic: alerts.topic,
 *   functions: [{ name: 'incident-worker', function: worker.function }],
 *   queues: [{ name: 'incidents', queue: queues.incidents, deadLetters: queues.incidentsDeadLetters }],
 *   api: webhookApi.api, apiStage: 'v1', maxMessageAge: Duration.minutes(30),
 * });
 */
export class GuardMonitoring extends Construct {
  /** The facade that holds the alarms and the dashboard. */
  readonly facade: MonitoringFacade;

  constructor(scope: Construct, id: string, props: GuardMonitoringProps) {
    super(scope, id);
    this.facade = new MonitoringFacade(this, 'Facade', {
      alarmFactoryDefaults: {
        alarmNamePrefix: props.namePrefix,
        actionsEnabled: true,
        action: new SnsAlarmActionStrategy({ onAlarmTopic: props.alertTopic }),
        datapointsToAlarm: 1,
      },
      metricFactoryDefaults: { period: Duration.minutes(5) },
      dashboardFactory: new DefaultDashboardFactory(this, 'Dashboards', {
        dashboardNamePrefix: props.namePrefix,
        createDashboard: true,
        createSummaryDashboard: false,
        createAlarmDashboard: false,
      }),
    });

    this.facade.addLargeHeader('What fluxguard did');
    for (const widget of activityWidgets()) this.facade.addWidget(widget);

    for (const { name, function: lambda } of props.functions) {
      this.facade.monitorLambdaFunction({
        lambdaFunction: lambda,
        humanReadableName: name,
        alarmFriendlyName: name,
        addFaultCountAlarm: { Error: { maxErrorCount: 0 } },
        addThrottlesCountAlarm: { Warning: { maxErrorCount: 0 } },
      });
    }
    for (const { name, queue, deadLetters } of props.queues) {
      this.facade.monitorSqsQueueWithDlq({
        queue,
        deadLetterQueue: deadLetters,
        humanReadableName: name,
        alarmFriendlyName: name,
        addQueueMaxMessageAgeAlarm: { Warning: { maxAgeInSeconds: props.maxMessageAge.toSeconds() } },
        addDeadLetterQueueMaxSizeAlarm: { Error: { maxMessageCount: 0 } },
      });
    }
    this.facade.monitorApiGateway({
      api: props.api,
      apiStage: props.apiStage,
      humanReadableName: 'webhook API',
      alarmFriendlyName: 'webhook-api',
      add5XXFaultCountAlarm: { Error: { maxErrorCount: 0 } },
    });
  }
}

/** A SEARCH over the guard's namespace: one line per dimension set of `metricName`. */
function search(metricName: string, statistic: 'Sum' | 'Average' | 'Maximum', label: string): MathExpression {
  return new MathExpression({
    expression: `SEARCH('Namespace="${GUARD_METRICS_NAMESPACE}" MetricName="${metricName}"', '${statistic}', 300)`,
    usingMetrics: {},
    label,
    period: Duration.minutes(5),
  });
}

function activityWidgets(): IWidget[] {
  const metrics = GUARD_DASHBOARD_METRICS;
  return [
    new GraphWidget({
      title: 'Flux events received and rejected',
      width: 8,
      left: [
        search(metrics.eventsQueued, 'Sum', 'queued'),
        search(metrics.eventsIgnored, 'Sum', 'ignored'),
        search(metrics.requestsRejected, 'Sum', 'rejected'),
      ],
    }),
    new GraphWidget({
      title: 'Incidents, reverts, pull requests, inconclusive verdicts',
      width: 8,
      left: [
        search(metrics.incidents, 'Sum', 'incidents'),
        search(metrics.reverts, 'Sum', 'reverts'),
        search(metrics.pullRequests, 'Sum', 'pull requests'),
        search(metrics.inconclusive, 'Sum', 'inconclusive'),
      ],
    }),
    new GraphWidget({
      title: 'Seconds from event to action',
      width: 8,
      left: [
        search(metrics.secondsToAction, 'Average', 'average'),
        search(metrics.secondsToAction, 'Maximum', 'maximum'),
      ],
    }),
  ];
}
