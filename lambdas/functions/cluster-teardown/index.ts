/**
 * The cluster-teardown Lambda: a CloudFormation custom resource (CDK Provider framework, handlers
 * `index.onEvent` and `index.isComplete`) that, when its stack is deleted, removes what Flux made the
 * cluster create in AWS before CloudFormation deletes Flux, the node groups and the cluster.
 *
 * @module
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EKSClient } from '@aws-sdk/client-eks';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { AwsLeftoverReader, EksClusterAccess, type TeardownDeps } from '../../teardown/index.js';
import { readTeardownConfig } from './config.js';
import { createTeardownHandlers } from './handler.js';

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME || 'cluster-teardown' });

// A stalled AWS endpoint costs seconds of an invocation, not all of it.
const requestHandler = { connectionTimeout: 3_000, requestTimeout: 10_000, throwOnRequestTimeout: true };
const eks = new EKSClient({ requestHandler });
const elbv2 = new ElasticLoadBalancingV2Client({ requestHandler });
const ec2 = new EC2Client({ requestHandler });

let deps: TeardownDeps | undefined;

/** Builds the dependencies once per container, on the first event (a ConfigError fails that event). */
function dependencies(): TeardownDeps {
  if (deps) return deps;
  const config = readTeardownConfig(process.env);
  deps = {
    clusterName: config.clusterName,
    waitMs: config.waitMs,
    access: new EksClusterAccess({ eks }),
    aws: new AwsLeftoverReader({ elbv2, ec2 }),
  };
  return deps;
}

const handlers = createTeardownHandlers({ deps: dependencies, logger });

/** The Provider framework's `onEvent` handler. */
export const onEvent = handlers.onEvent;
/** The Provider framework's `isComplete` handler. */
export const isComplete = handlers.isComplete;
