/**
 * Composes the pipeline's dependencies from values (the Lambda's config module, or the CLI's flags
 * and environment): AWS clients with the SDK's default credential, region and endpoint resolution
 * (so `AWS_ENDPOINT_URL` points them at any compatible endpoint), one cluster connection and one
 * GitHub session, both kept for the life of the process.
 *
 * @module
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { awsClientTimeouts, SecretReader } from '../aws/index.js';
import { type ClusterConnection, connectToCluster } from '../cluster/index.js';
import { type GitHubCredentials, parseGitHubCredentials } from '../revert/index.js';
import { AlarmTargets, CloudWatchAlarmTags } from './alarm-targets.js';
import { type AlertPublisher, SnsAlertPublisher } from './alert-publisher.js';
import { KubeClusterGateway } from './cluster-gateway.js';
import { DynamoDbStateStore } from './dynamodb-state-store.js';
import { IncidentResponseError } from './errors.js';
import { type FollowUpScheduler, SqsFollowUpScheduler } from './follow-up-scheduler.js';
import { GitHubSession } from './github-session.js';
import { KubeClient } from './kube-client.js';
import type { IncidentDeps } from './process-incident.js';
import type { IncidentSettings } from './settings.js';

/** Where the worker's state, alerts, follow-ups, cluster and GitHub are. */
export interface IncidentWiring {
  stateTableName: string;
  /** The SNS topic alerts go to; without it, `publishers.alerts` must be given. */
  alertTopicArn?: string;
  /** The follow-up queue; without it, `publishers.followUps` must be given. */
  followUpQueueUrl?: string;
  /** An EKS cluster (DescribeCluster + STS token), or kubeconfig file(s). */
  cluster: { clusterName: string } | { kubeconfig: string };
  region?: string;
  /** `GITHUB_API_URL`; default `https://api.github.com`. */
  githubApiUrl?: string;
  /** A Secrets Manager secret (token or GitHub App JSON), or a token given directly (the CLI's `GITHUB_TOKEN`). */
  github: { secretArn: string } | { token: string };
  settings: IncidentSettings;
}

const region = (wiring: IncidentWiring) => (wiring.region ? { region: wiring.region } : {});

/** An AWS client's configuration: the region, and timeouts so no call can hang the invocation. */
const awsClient = (wiring: IncidentWiring) => ({ ...region(wiring), ...awsClientTimeouts() });

/** What {@link createIncidentDeps} returns: the dependencies, and how to release the connection. */
export interface ComposedIncidentDeps {
  deps: IncidentDeps;
  dynamodb: DynamoDBClient;
  close(): Promise<void>;
}

/**
 * Builds the pipeline's dependencies. Call once per process and reuse: the cluster connection and
 * the GitHub client are kept warm.
 *
 * @example
 * ```ts
 * const { deps } = await createIncidentDeps(wiring);
 * const outcome = await processIncident(input, { messageId }, deps);
 * ```
 */
export async function createIncidentDeps(
  wiring: IncidentWiring,
  publishers: { alerts?: AlertPublisher; followUps?: FollowUpScheduler } = {},
): Promise<ComposedIncidentDeps> {
  const alerts =
    publishers.alerts ??
    (wiring.alertTopicArn
      ? new SnsAlertPublisher(new SNSClient(awsClient(wiring)), wiring.alertTopicArn)
      : undefined);
  const followUps =
    publishers.followUps ??
    (wiring.followUpQueueUrl
      ? new SqsFollowUpScheduler(new SQSClient(awsClient(wiring)), wiring.followUpQueueUrl)
      : undefined);
  if (!alerts || !followUps) {
    throw new IncidentResponseError(
      'createIncidentDeps needs an alert topic and a follow-up queue, or publishers for them',
    );
  }
  const dynamodb = new DynamoDBClient(awsClient(wiring));
  const connection: ClusterConnection = await connectToCluster({ ...wiring.cluster, ...region(wiring) });
  const github = wiring.github;
  const secrets = 'secretArn' in github ? new SecretReader() : undefined;
  const credentials = async (): Promise<{ key: string; credentials: GitHubCredentials }> => {
    if ('token' in github) return { key: 'token', credentials: { kind: 'token', token: github.token } };
    const value = (await secrets?.read(github.secretArn)) ?? '';
    return {
      key: `${github.secretArn}\n${value}`,
      credentials: parseGitHubCredentials(value, github.secretArn),
    };
  };
  const session = new GitHubSession({
    ...(wiring.githubApiUrl ? { apiUrl: wiring.githubApiUrl } : {}),
    credentials,
  });
  const kube = new KubeClient(connection.endpoint);
  const deps: IncidentDeps = {
    settings: wiring.settings,
    state: new DynamoDbStateStore({ client: dynamodb, tableName: wiring.stateTableName }),
    cluster: new KubeClusterGateway(kube, connection.reader),
    git: (url) => session.gateway(url),
    alerts,
    followUps,
    alarms: new AlarmTargets(new CloudWatchAlarmTags(new CloudWatchClient(awsClient(wiring))), {
      defaultCluster: wiring.settings.cluster,
    }),
  };
  return {
    deps,
    dynamodb,
    async close() {
      await Promise.all([connection.close(), kube.close()]);
    },
  };
}
