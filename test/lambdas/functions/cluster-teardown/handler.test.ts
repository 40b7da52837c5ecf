import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type CustomResourceEvent,
  createTeardownHandlers,
} from '../../../../lambdas/functions/cluster-teardown/handler.js';
import type { LeftoverReader, Leftovers, TeardownDeps } from '../../../../lambdas/teardown/index.js';
import { captureOutput, lambdaContext } from '../../../support/webhook-requests.js';
import { FakeKubeApi, fakeAccess, platformObjects } from '../../teardown/support/cluster.js';

const CLUSTER = 'fluxguard-staging-us-east-1';
const PHYSICAL_ID = `fluxguard-teardown-${CLUSTER}`;
const api = new FakeKubeApi();
let output: ReturnType<typeof captureOutput>;

/** AWS as the test sets it: what is left, and how often it was read. */
function awsLeft(initial: Partial<Leftovers> = {}): LeftoverReader & { left: Leftovers; reads: number } {
  const reader = {
    left: { loadBalancers: [], targetGroups: [], volumes: [], ...initial } as Leftovers,
    reads: 0,
    leftovers: async () => {
      reader.reads += 1;
      return structuredClone(reader.left);
    },
  };
  return reader;
}

function handlersFor(deps: TeardownDeps) {
  return createTeardownHandlers({ deps, logger: new Logger({ serviceName: 'cluster-teardown' }) });
}

const event = (
  RequestType: CustomResourceEvent['RequestType'],
  extra: Partial<CustomResourceEvent> = {},
) => ({
  RequestType,
  LogicalResourceId: 'Teardown',
  StackId: 'arn:aws:cloudformation:us-east-1:111111111111:stack/fluxguard-staging-us-east-1-flux/1',
  ...(RequestType === 'Create' ? {} : { PhysicalResourceId: PHYSICAL_ID }),
  ...extra,
});

beforeAll(async () => {
  await api.start();
});
afterAll(async () => {
  await api.close();
});
beforeEach(() => {
  api.clear();
  api.put(...platformObjects());
  output = captureOutput();
});
afterEach(() => output.restore());

describe('cluster-teardown handlers', () => {
  it.each(['Create', 'Update'] as const)('answers %s without touching the cluster or AWS', async (type) => {
    // Prepare
    const access = fakeAccess(api);
    const aws = awsLeft({ loadBalancers: ['k8s-srechall-web'] });
    const { onEvent, isComplete } = handlersFor({ clusterName: CLUSTER, access, aws });

    // Act
    const answer = await onEvent(event(type), lambdaContext());
    const complete = await isComplete({ ...event(type), ...answer }, lambdaContext());

    // Assess
    expect(answer).toEqual({ PhysicalResourceId: PHYSICAL_ID });
    expect(complete).toEqual({ IsComplete: true });
    expect(access.opened).toBe(0);
    expect(aws.reads).toBe(0);
    expect(api.requests).toEqual([]);
  });

  it('keeps the physical id on update, so CloudFormation never deletes the old resource against a live cluster', async () => {
    // Prepare
    const { onEvent } = handlersFor({ clusterName: CLUSTER, access: fakeAccess(api), aws: awsLeft() });

    // Act
    const answer = await onEvent(event('Update', { PhysicalResourceId: 'an-older-id' }), lambdaContext());

    // Assess
    expect(answer.PhysicalResourceId).toBe('an-older-id');
  });

  it('on delete, tears down, then reports incomplete while a load balancer remains and complete once it is gone', async () => {
    // Prepare
    const aws = awsLeft({ loadBalancers: ['k8s-srechall-web'] });
    const { onEvent, isComplete } = handlersFor({ clusterName: CLUSTER, access: fakeAccess(api), aws });

    // Act
    const started = await onEvent(event('Delete'), lambdaContext());
    // the Provider framework merges onEvent's answer into every isComplete event
    const waiting = await isComplete({ ...event('Delete'), ...started }, lambdaContext());
    aws.left.loadBalancers = [];
    const finished = await isComplete({ ...event('Delete'), ...started }, lambdaContext());

    // Assess
    expect(started).toMatchObject({
      PhysicalResourceId: PHYSICAL_ID,
      Teardown: { volumeIds: ['vol-0aaa0000000000001'], clusterGone: false },
    });
    expect(api.objects({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' })).toEqual([]);
    expect(waiting).toEqual({ IsComplete: false });
    expect(finished).toEqual({ IsComplete: true });
  });

  it('fails the deletion at the deadline, naming what is left', async () => {
    // Prepare
    let now = new Date('2026-12-03T12:00:00Z');
    const aws = awsLeft({ targetGroups: ['k8s-srechall-web-tg'] });
    const { onEvent, isComplete } = handlersFor({
      clusterName: CLUSTER,
      access: fakeAccess(api),
      aws,
      waitMs: 60_000,
      now: () => now,
    });
    const started = await onEvent(event('Delete'), lambdaContext());
    now = new Date('2026-12-03T12:01:00Z');

    // Act
    const failure = await isComplete({ ...event('Delete'), ...started }, lambdaContext()).catch(
      (error: unknown) => error,
    );

    // Assess
    expect((failure as Error).message).toMatch(/still in AWS: 1 target group \(k8s-srechall-web-tg\)/);
  });

  it('succeeds when the cluster is already gone', async () => {
    // Prepare
    const aws = awsLeft();
    const { onEvent, isComplete } = handlersFor({ clusterName: CLUSTER, access: fakeAccess(undefined), aws });

    // Act
    const started = await onEvent(event('Delete'), lambdaContext());
    const complete = await isComplete({ ...event('Delete'), ...started }, lambdaContext());

    // Assess
    expect(started).toMatchObject({ Teardown: { clusterGone: true } });
    expect(complete).toEqual({ IsComplete: true });
    expect(aws.reads).toBe(0);
  });

  it('refuses an isComplete without the progress onEvent handed over', async () => {
    // Prepare
    const { isComplete } = handlersFor({ clusterName: CLUSTER, access: fakeAccess(api), aws: awsLeft() });

    // Act
    const failure = await isComplete(event('Delete'), lambdaContext()).catch((error: unknown) => error);

    // Assess
    expect((failure as Error).message).toMatch(/no teardown progress/);
  });
});

describe('the Lambda entry', () => {
  it('answers create from its environment without calling anything', async () => {
    // Prepare
    process.env.CLUSTER_NAME = CLUSTER;
    process.env.AWS_REGION = 'us-east-1';
    const { onEvent, isComplete } = await import('../../../../lambdas/functions/cluster-teardown/index.js');

    // Act
    const answer = await onEvent(event('Create'), lambdaContext());
    const complete = await isComplete({ ...event('Create'), ...answer }, lambdaContext());

    // Assess
    expect(answer).toEqual({ PhysicalResourceId: PHYSICAL_ID });
    expect(complete).toEqual({ IsComplete: true });
  });
});
