/**
 * One deployment target (environment × region) and the names derived from it.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import type { EnvironmentConfig, RegionConfig } from './config.js';

/** What every regional stack needs to know about where it is deployed. */
export interface DeploymentTarget {
  readonly environment: EnvironmentConfig;
  readonly region: RegionConfig;
}

/** Stage id and stack-name prefix, e.g. `staging-us-east-1`. */
export function stageName(target: DeploymentTarget): string {
  return `${target.environment.name}-${target.region.region}`;
}

/** EKS cluster name, e.g. `fluxguard-staging-us-east-1`. */
export function clusterName(target: DeploymentTarget): string {
  return `fluxguard-${stageName(target)}`;
}

/** CloudFormation stack name for one part of a stage, e.g. `fluxguard-staging-us-east-1-network`. */
export function stackName(target: DeploymentTarget, part: string): string {
  return `fluxguard-${stageName(target)}-${part}`;
}

/** The host every app in this region is served from: `<region>.<domain>`. */
export function regionalDomain(target: DeploymentTarget): string {
  return `${target.region.region}.${target.environment.domain}`;
}

/** CloudWatch log group Fluent Bit writes container logs to. */
export function containerLogGroupName(target: DeploymentTarget): string {
  return `/aws/eks/${clusterName(target)}/containers`;
}

/** Maps the environment's removal policy onto CDK's: staging is destroyed with the stack. */
export function removalPolicyOf(environment: EnvironmentConfig): RemovalPolicy {
  return environment.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
}

/** Tags every resource of a target carries. */
export function tagsOf(target: DeploymentTarget): Record<string, string> {
  return {
    project: 'fluxguard',
    environment: target.environment.name,
    region: target.region.region,
    owner: target.environment.owner,
  };
}
