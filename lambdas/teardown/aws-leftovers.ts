/**
 * Reads, through the AWS APIs, what the cluster's controllers created and the teardown waits for:
 * load balancers and target groups tagged for the cluster by the AWS Load Balancer Controller, and
 * the EBS volumes of its claims.
 *
 * @module
 */
import { DescribeVolumesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import {
  DescribeTagsCommand,
  type ElasticLoadBalancingV2Client,
  paginateDescribeLoadBalancers,
  paginateDescribeTargetGroups,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { type Leftovers, LOAD_BALANCER_CLUSTER_TAG } from './plan.js';

/** What the wait asks of AWS; {@link AwsLeftoverReader} implements it. */
export interface LeftoverReader {
  /** ELBv2 load balancers and target groups made for `clusterName`, and those of `volumeIds` not deleted yet. */
  leftovers(clusterName: string, volumeIds: readonly string[]): Promise<Leftovers>;
}

/** The cloud provider's ownership tag is this prefix plus the cluster name, with the value `owned`. */
const CLOUD_PROVIDER_CLUSTER_TAG_PREFIX = 'kubernetes.io/cluster/';
/** `elasticloadbalancing:DescribeTags` takes at most 20 ARNs per call. */
const TAGS_BATCH = 20;
/** EC2 filters take at most 200 values. */
const FILTER_BATCH = 200;

function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

/**
 * {@link LeftoverReader} over ELBv2 (`DescribeLoadBalancers`, `DescribeTargetGroups`,
 * `DescribeTags`) and EC2 (`DescribeVolumes`).
 *
 * @example
 * const reader = new AwsLeftoverReader({ elbv2: new ElasticLoadBalancingV2Client({}), ec2: new EC2Client({}) });
 * const left = await reader.leftovers('fluxguard-staging-us-east-1', ['vol-0123456789abcdef0']);
 */
export class AwsLeftoverReader implements LeftoverReader {
  readonly #elbv2: ElasticLoadBalancingV2Client;
  readonly #ec2: EC2Client;

  constructor({ elbv2, ec2 }: { elbv2: ElasticLoadBalancingV2Client; ec2: EC2Client }) {
    this.#elbv2 = elbv2;
    this.#ec2 = ec2;
  }

  async leftovers(clusterName: string, volumeIds: readonly string[]): Promise<Leftovers> {
    const [loadBalancers, targetGroups, volumes] = await Promise.all([
      this.#loadBalancers(clusterName),
      this.#targetGroups(clusterName),
      this.#volumes(volumeIds),
    ]);
    return { loadBalancers, targetGroups, volumes };
  }

  async #loadBalancers(clusterName: string): Promise<string[]> {
    const named = new Map<string, string>();
    for await (const page of paginateDescribeLoadBalancers({ client: this.#elbv2 }, {})) {
      for (const lb of page.LoadBalancers ?? [])
        if (lb.LoadBalancerArn) named.set(lb.LoadBalancerArn, lb.LoadBalancerName ?? lb.LoadBalancerArn);
    }
    return this.#taggedFor(clusterName, named);
  }

  async #targetGroups(clusterName: string): Promise<string[]> {
    const named = new Map<string, string>();
    for await (const page of paginateDescribeTargetGroups({ client: this.#elbv2 }, {})) {
      for (const group of page.TargetGroups ?? [])
        if (group.TargetGroupArn)
          named.set(group.TargetGroupArn, group.TargetGroupName ?? group.TargetGroupArn);
    }
    return this.#taggedFor(clusterName, named);
  }

  /**
   * Names (from `named`, keyed by ARN) of the resources made for `clusterName`: tagged
   * `elbv2.k8s.aws/cluster=<clusterName>` by the AWS Load Balancer Controller, or
   * `kubernetes.io/cluster/<clusterName>=owned` by the cloud provider (an NLB for a Service of type
   * LoadBalancer that the controller does not handle).
   */
  async #taggedFor(clusterName: string, named: Map<string, string>): Promise<string[]> {
    const found: string[] = [];
    for (const arns of batches([...named.keys()], TAGS_BATCH)) {
      const { TagDescriptions } = await this.#elbv2.send(new DescribeTagsCommand({ ResourceArns: arns }));
      for (const description of TagDescriptions ?? []) {
        const tagged = description.Tags?.some(
          (tag) =>
            (tag.Key === LOAD_BALANCER_CLUSTER_TAG && tag.Value === clusterName) ||
            (tag.Key === `${CLOUD_PROVIDER_CLUSTER_TAG_PREFIX}${clusterName}` && tag.Value === 'owned'),
        );
        const name = description.ResourceArn ? named.get(description.ResourceArn) : undefined;
        if (tagged && name) found.push(name);
      }
    }
    return found.sort();
  }

  async #volumes(volumeIds: readonly string[]): Promise<string[]> {
    const left: string[] = [];
    // A filter, not VolumeIds: asking for a deleted volume by id fails the whole call.
    for (const ids of batches([...new Set(volumeIds)], FILTER_BATCH)) {
      let nextToken: string | undefined;
      do {
        const page = await this.#ec2.send(
          new DescribeVolumesCommand({
            Filters: [{ Name: 'volume-id', Values: ids }],
            ...(nextToken ? { NextToken: nextToken } : {}),
          }),
        );
        for (const volume of page.Volumes ?? [])
          if (volume.VolumeId && volume.State !== 'deleted') left.push(volume.VolumeId);
        nextToken = page.NextToken;
      } while (nextToken);
    }
    return left.sort();
  }
}
