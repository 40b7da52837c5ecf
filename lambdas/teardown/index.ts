/**
 * Cluster teardown: before CloudFormation deletes a cluster, remove what Flux made the cluster create
 * in AWS (load balancers, target groups, EBS volumes), which CloudFormation does not know about and
 * which would otherwise block the VPC's deletion and keep costing money.
 *
 * ```ts
 * const deps = { clusterName, access: new EksClusterAccess({ eks }), aws: new AwsLeftoverReader({ elbv2, ec2 }) };
 * const { progress } = await startTeardown(deps);          // suspend Flux, delete ingresses, LB services, EBS claims
 * const { done } = await checkTeardown(deps, progress);    // poll until done; throws at the deadline naming what is left
 * ```
 *
 * @module
 */
export { AwsLeftoverReader, type LeftoverReader } from './aws-leftovers.js';
export { type ClusterAccess, EksClusterAccess, type OpenCluster } from './cluster-access.js';
export { KubeApiError, TeardownError, TeardownIncompleteError } from './errors.js';
export { KubeTeardownClient, type KubeTeardownClientOptions, type TeardownKubeApi } from './kube-client.js';
export {
  describeLeftovers,
  EBS_CSI_DRIVER,
  type EbsVolume,
  type Leftovers,
  LOAD_BALANCER_CLUSTER_TAG,
  PROVISIONED_BY_ANNOTATION,
} from './plan.js';
export { type KubeResource, RESOURCES, WORKLOAD_OWNERS } from './resources.js';
export { type SweepReport, sweepCluster } from './sweep.js';
export {
  checkTeardown,
  DEFAULT_WAIT_MS,
  startTeardown,
  type TeardownCheck,
  type TeardownDeps,
  type TeardownProgress,
  type TeardownStart,
} from './teardown.js';
