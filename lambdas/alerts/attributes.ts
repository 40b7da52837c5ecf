/**
 * The SNS message attributes of an alert, for subscription filter policies (for example: only
 * `severity = critical` to a pager, only `environment = production` to one channel).
 *
 * @module
 */
import type { Alert } from './alert.js';
import { targetPath } from './wording.js';

/** One SNS message attribute of type String, as `PublishCommand` takes it. */
export interface StringAttribute {
  DataType: 'String';
  StringValue: string;
}

/** The attribute names fluxguard sets on every alert. */
export type AlertAttributeName = 'severity' | 'cluster' | 'environment' | 'target' | 'state';

/**
 * `severity`, `cluster`, `environment`, `target` (`Kind/namespace/name`) and `state`, all String.
 *
 * @example
 * ```ts
 * alertMessageAttributes(alert).target; // { DataType: 'String', StringValue: 'Kustomization/flux-system/apps' }
 * ```
 */
export function alertMessageAttributes(alert: Alert): Record<AlertAttributeName, StringAttribute> {
  const attribute = (value: string): StringAttribute => ({ DataType: 'String', StringValue: value });
  return {
    severity: attribute(alert.severity),
    cluster: attribute(alert.cluster),
    environment: attribute(alert.environment),
    target: attribute(targetPath(alert)),
    state: attribute(alert.state),
  };
}
