import { CreateVolumeCommand, DeleteVolumeCommand } from '@aws-sdk/client-ec2';
import {
  CreateLoadBalancerCommand,
  DeleteLoadBalancerCommand,
  DeleteTargetGroupCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AwsLeftoverReader,
  checkTeardown,
  EksClusterAccess,
  type LeftoverReader,
  startTeardown,
  TeardownIncompleteError,
} from '../../../lambdas/teardown/index.js';
import { claimWithVolume, FakeKubeApi, fakeAccess, ingress, platformObjects } from './support/cluster.js';
import { type Moto, makeControllerLoadBalancer, makeSubnets, startMoto } from './support/moto.js';

const CLUSTER = 'fluxguard-staging-us-east-1';
const api = new FakeKubeApi();
let moto: Moto;
let aws: AwsLeftoverReader;
let network: { vpcId: string; subnetIds: string[] };

beforeAll(async () => {
  [moto] = await Promise.all([startMoto(), api.start()]);
  aws = new AwsLeftoverReader({ elbv2: moto.elbv2, ec2: moto.ec2 });
});
afterAll(async () => {
  await Promise.all([moto?.stop(), api.close()]);
});
beforeEach(async () => {
  await moto.reset();
  network = await makeSubnets(moto.ec2);
  api.clear();
});

/** A volume in the emulated EC2, and its claim in the cluster. */
async function ebsClaim(namespace: string, name: string): Promise<string> {
  const { VolumeId } = await moto.ec2.send(
    new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 10 }),
  );
  api.put(...claimWithVolume(namespace, name, VolumeId ?? ''));
  return VolumeId ?? '';
}

/** A clock the test moves. */
function clock(start = '2026-12-03T12:00:00Z') {
  let now = new Date(start);
  return { now: () => now, advance: (ms: number) => (now = new Date(now.getTime() + ms)) };
}

describe('AwsLeftoverReader', () => {
  it('reads the load balancers and target groups made for this cluster only, and the volumes not deleted', async () => {
    // Prepare
    await makeControllerLoadBalancer(moto, network, 'k8s-shop-web', CLUSTER);
    await makeControllerLoadBalancer(moto, network, 'k8s-other-web', 'another-cluster');
    // what the cloud provider makes for a LoadBalancer Service the controller leaves alone
    await moto.elbv2.send(
      new CreateLoadBalancerCommand({
        Name: 'a1b2c3-edge-nlb',
        Type: 'network',
        Subnets: network.subnetIds,
        Tags: [{ Key: `kubernetes.io/cluster/${CLUSTER}`, Value: 'owned' }],
      }),
    );
    await moto.elbv2.send(
      new CreateLoadBalancerCommand({
        Name: 'shared-nlb',
        Type: 'network',
        Subnets: network.subnetIds,
        Tags: [{ Key: `kubernetes.io/cluster/${CLUSTER}`, Value: 'shared' }],
      }),
    );
    const { VolumeId } = await moto.ec2.send(
      new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 1 }),
    );
    const { VolumeId: deleted } = await moto.ec2.send(
      new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 1 }),
    );
    await moto.ec2.send(new DeleteVolumeCommand({ VolumeId: deleted }));

    // Act
    const left = await aws.leftovers(CLUSTER, [VolumeId ?? '', deleted ?? '', 'vol-0123456789abcdef0']);

    // Assess
    expect(left).toEqual({
      loadBalancers: ['a1b2c3-edge-nlb', 'k8s-shop-web'],
      targetGroups: ['k8s-shop-web-tg'],
      volumes: [VolumeId],
    });
  });
});

describe('startTeardown and checkTeardown', () => {
  it('waits while a load balancer or a volume remains, and finishes when they are gone', async () => {
    // Prepare
    api.put(
      ...platformObjects().filter((o) => o.kind !== 'PersistentVolume' && o.kind !== 'PersistentVolumeClaim'),
    );
    const volumeId = await ebsClaim('monitoring', 'prometheus-db-prometheus-0');
    const { loadBalancerArn, targetGroupArn } = await makeControllerLoadBalancer(
      moto,
      network,
      'k8s-srechall-web',
      CLUSTER,
    );
    const time = clock();
    const deps = { clusterName: CLUSTER, access: fakeAccess(api), aws, now: time.now };

    // Act
    const { progress, sweep } = await startTeardown(deps);
    time.advance(30_000);
    const first = await checkTeardown(deps, progress);
    // what the AWS Load Balancer Controller does once the Ingress is gone
    await moto.elbv2.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: loadBalancerArn }));
    await moto.elbv2.send(new DeleteTargetGroupCommand({ TargetGroupArn: targetGroupArn }));
    time.advance(30_000);
    const second = await checkTeardown(deps, progress);
    // what the EBS CSI driver does once the claim is gone
    await moto.ec2.send(new DeleteVolumeCommand({ VolumeId: volumeId }));
    time.advance(30_000);
    const third = await checkTeardown(deps, progress);

    // Assess
    expect(sweep?.deleted).toContain('Ingress sre-challenge/web');
    expect(progress).toEqual({
      deadline: '2026-12-03T12:10:00.000Z',
      volumeIds: [volumeId],
      clusterGone: false,
    });
    expect(first.done).toBe(false);
    expect(first.leftovers).toEqual({
      loadBalancers: ['k8s-srechall-web'],
      targetGroups: ['k8s-srechall-web-tg'],
      volumes: [volumeId],
    });
    expect(second).toMatchObject({
      done: false,
      leftovers: { loadBalancers: [], targetGroups: [], volumes: [volumeId] },
    });
    expect(third).toMatchObject({
      done: true,
      leftovers: { loadBalancers: [], targetGroups: [], volumes: [] },
    });
  });

  it('fails at the deadline with a message naming everything left', async () => {
    // Prepare
    api.put(ingress('sre-challenge', 'web'));
    const volumeId = await ebsClaim('monitoring', 'data');
    await makeControllerLoadBalancer(moto, network, 'k8s-srechall-web', CLUSTER);
    const time = clock();
    const deps = { clusterName: CLUSTER, access: fakeAccess(api), aws, now: time.now, waitMs: 5 * 60_000 };
    const { progress } = await startTeardown(deps);
    time.advance(4 * 60_000);
    const before = await checkTeardown(deps, progress);
    time.advance(60_000);

    // Act
    const failure = await checkTeardown(deps, progress).catch((error: unknown) => error);

    // Assess
    expect(before.done).toBe(false);
    expect(failure).toBeInstanceOf(TeardownIncompleteError);
    expect((failure as Error).message).toBe(
      `Teardown of cluster ${CLUSTER} gave up after waiting 5 min; still in AWS: ` +
        `1 load balancer (k8s-srechall-web), 1 target group (k8s-srechall-web-tg), 1 EBS volume (${volumeId}). ` +
        'Delete them (or stop what keeps re-creating them) and delete the stack again.',
    );
  });

  it('deletes what a controller re-created after the first sweep', async () => {
    // Prepare
    api.put(ingress('sre-challenge', 'web'));
    const deps = { clusterName: CLUSTER, access: fakeAccess(api), aws, now: clock().now };
    const { progress } = await startTeardown(deps);
    api.put(ingress('sre-challenge', 'web'));

    // Act
    const check = await checkTeardown(deps, progress);

    // Assess
    expect(check.sweep?.deleted).toEqual(['Ingress sre-challenge/web']);
    expect(api.objects({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' })).toEqual([]);
    expect(check.done).toBe(true);
  });

  it('still reads AWS when a later sweep fails, and says why in the check', async () => {
    // Prepare
    await makeControllerLoadBalancer(moto, network, 'k8s-srechall-web', CLUSTER);
    const deps = { clusterName: CLUSTER, access: fakeAccess(api), aws, now: clock().now };
    const { progress } = await startTeardown(deps);
    api.faults.push(() => ({ status: 503 }));

    // Act
    const check = await checkTeardown(deps, progress);

    // Assess
    expect(check.sweepError?.message).toMatch(/HTTP 503|ServiceUnavailable/);
    expect(check).toMatchObject({ done: false, leftovers: { loadBalancers: ['k8s-srechall-web'] } });
  });

  it('is not done while AWS cannot be read, and gives up saying so at the deadline', async () => {
    // Prepare
    const failing: LeftoverReader = { leftovers: () => Promise.reject(new Error('Rate exceeded')) };
    const time = clock();
    const deps = { clusterName: CLUSTER, access: fakeAccess(api), aws: failing, now: time.now };
    const { progress } = await startTeardown(deps);

    // Act
    const early = await checkTeardown(deps, progress);
    time.advance(10 * 60_000);
    const failure = await checkTeardown(deps, progress).catch((error: unknown) => error);

    // Assess
    expect(early).toMatchObject({ done: false, awsError: { message: 'Rate exceeded' } });
    expect(failure).toBeInstanceOf(TeardownIncompleteError);
    expect((failure as Error).message).toMatch(/could not be read: Rate exceeded$/);
  });

  it('succeeds at once when the cluster is already gone (a second delete attempt), reading nothing', async () => {
    // Prepare
    const untouched: LeftoverReader = {
      leftovers: () => Promise.reject(new Error('AWS was read')),
    };
    const deps = {
      clusterName: 'fluxguard-deleted',
      access: new EksClusterAccess({ eks: moto.eks }),
      aws: untouched,
    };

    // Act
    const { progress, sweep } = await startTeardown(deps);
    const check = await checkTeardown(deps, progress);

    // Assess
    expect(progress.clusterGone).toBe(true);
    expect(sweep).toBeUndefined();
    expect(check).toEqual({ done: true });
  });

  it('finishes when the cluster goes away during the wait', async () => {
    // Prepare
    await makeControllerLoadBalancer(moto, network, 'k8s-srechall-web', CLUSTER);
    const deps = { clusterName: CLUSTER, access: fakeAccess(api), aws, now: clock().now };
    const { progress } = await startTeardown(deps);

    // Act
    const check = await checkTeardown({ ...deps, access: fakeAccess(undefined) }, progress);

    // Assess
    expect(check).toEqual({ done: true });
  });
});
