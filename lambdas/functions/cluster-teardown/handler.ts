/**
 * The custom resource's two handlers for the CDK Provider framework: `onEvent` answers create and
 * update without touching anything and starts the teardown on delete; `isComplete` polls it until
 * nothing is left in AWS, or fails the deletion naming what is.
 *
 * @module
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddyfiedHandler } from '@middy/core';
import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import {
  checkTeardown,
  startTeardown,
  type TeardownDeps,
  type TeardownProgress,
} from '../../teardown/index.js';

/** The fields of a CloudFormation custom resource event (as the Provider framework forwards it) read here. */
export interface CustomResourceEvent {
  RequestType: 'Create' | 'Update' | 'Delete';
  /** Absent on create. */
  PhysicalResourceId?: string;
  LogicalResourceId?: string;
  StackId?: string;
  /** Set by `onEvent` on delete; the Provider framework passes it on to every `isComplete`. */
  Teardown?: unknown;
}

/** What `onEvent` answers the Provider framework. */
export interface OnEventAnswer {
  PhysicalResourceId: string;
  /** The progress of a delete, for `isComplete`; the framework does not send it to CloudFormation. */
  Teardown?: TeardownProgress;
}

/** What `isComplete` answers the Provider framework. */
export interface IsCompleteAnswer {
  IsComplete: boolean;
}

const ProgressSchema = z.object({
  deadline: z.string(),
  volumeIds: z.array(z.string()),
  clusterGone: z.boolean(),
});

/** Options for {@link createTeardownHandlers}. */
export interface TeardownHandlerOptions {
  /** The teardown's dependencies, or a function that builds them (it may throw a ConfigError). */
  deps: TeardownDeps | (() => TeardownDeps);
  logger: Logger;
}

/** Both handlers of the teardown custom resource, as middy handlers. */
export function createTeardownHandlers({ deps, logger }: TeardownHandlerOptions): {
  onEvent: MiddyfiedHandler<CustomResourceEvent, OnEventAnswer, Error, Context>;
  isComplete: MiddyfiedHandler<CustomResourceEvent, IsCompleteAnswer, Error, Context>;
} {
  const resolve = typeof deps === 'function' ? deps : () => deps;
  const context = injectLambdaContext(logger, { resetKeys: true, logEvent: false });

  const onEvent = middy<CustomResourceEvent, OnEventAnswer, Error, Context>(
    async (event: CustomResourceEvent) => {
      const { clusterName } = resolve();
      // The same id for the resource's whole life: a new one would make CloudFormation delete the
      // old resource, which is this teardown, against a live cluster.
      const physicalResourceId = event.PhysicalResourceId ?? `fluxguard-teardown-${clusterName}`;
      if (event.RequestType !== 'Delete') {
        logger.info(`${event.RequestType}: nothing to do`, { clusterName });
        return { PhysicalResourceId: physicalResourceId };
      }
      const { progress, sweep } = await startTeardown(resolve());
      if (progress.clusterGone)
        logger.info('The cluster is already gone: nothing to tear down', { clusterName });
      else logger.info('Flux suspended and AWS-backed objects deleted', { clusterName, ...sweep, progress });
      return { PhysicalResourceId: physicalResourceId, Teardown: progress };
    },
  ).use(context);

  const isComplete = middy<CustomResourceEvent, IsCompleteAnswer, Error, Context>(
    async (event: CustomResourceEvent) => {
      if (event.RequestType !== 'Delete') return { IsComplete: true };
      const parsed = ProgressSchema.safeParse(event.Teardown);
      if (!parsed.success)
        throw new Error(`isComplete got no teardown progress from onEvent: ${z.prettifyError(parsed.error)}`);
      const check = await checkTeardown(resolve(), parsed.data);
      if (check.sweepError) logger.warn('Sweeping the cluster again failed', { error: check.sweepError });
      if (check.awsError)
        logger.warn('Reading what is left in AWS failed; trying again', { error: check.awsError });
      logger.info(check.done ? 'Nothing left in AWS' : 'Waiting for AWS resources to go', {
        clusterName: resolve().clusterName,
        leftovers: check.leftovers,
        deleted: check.sweep?.deleted,
        deadline: parsed.data.deadline,
      });
      return { IsComplete: check.done };
    },
  ).use(context);

  return { onEvent, isComplete };
}
