/**
 * Test support: a local moto server (`moto_server`, Python moto) emulating the ELBv2, EC2 and EKS
 * APIs over their real wire protocols, so the teardown's AWS adapters are exercised end to end.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { EKSClient } from '@aws-sdk/client-eks';
import {
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';

/** The region every client of the emulator uses. */
export const MOTO_REGION = 'us-east-1';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A running moto server and clients pointed at it. */
export interface Moto {
  endpoint: string;
  elbv2: ElasticLoadBalancingV2Client;
  ec2: EC2Client;
  eks: EKSClient;
  /** Forgets every emulated resource. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts `moto_server` on a free port and waits until it answers. */
export async function startMoto(): Promise<Moto> {
  const port = await freePort();
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: 'ignore',
  });
  const endpoint = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt += 1) {
    try {
      if ((await fetch(`${endpoint}/moto-api/`)).ok) break;
    } catch {
      // not listening yet
    }
    if (attempt > 100 || child.exitCode !== null) {
      child.kill();
      throw new Error(`moto_server did not start on ${endpoint}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const config = {
    endpoint,
    region: MOTO_REGION,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  };
  return {
    endpoint,
    elbv2: new ElasticLoadBalancingV2Client(config),
    ec2: new EC2Client(config),
    eks: new EKSClient(config),
    reset: async () => {
      await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
    },
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill();
      await exited;
    },
  };
}

/** Two subnets in a new VPC, which an application load balancer needs. */
export async function makeSubnets(ec2: EC2Client): Promise<{ vpcId: string; subnetIds: string[] }> {
  const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }));
  const vpcId = Vpc?.VpcId ?? '';
  const subnetIds: string[] = [];
  for (const [index, zone] of ['us-east-1a', 'us-east-1b'].entries()) {
    const { Subnet } = await ec2.send(
      new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `10.9.${index}.0/24`, AvailabilityZone: zone }),
    );
    subnetIds.push(Subnet?.SubnetId ?? '');
  }
  return { vpcId, subnetIds };
}

/** An ALB and a target group, both tagged `elbv2.k8s.aws/cluster=<cluster>` as the controller tags them. */
export async function makeControllerLoadBalancer(
  moto: Moto,
  network: { vpcId: string; subnetIds: string[] },
  name: string,
  cluster: string,
): Promise<{ loadBalancerArn: string; targetGroupArn: string }> {
  const Tags = [
    { Key: 'elbv2.k8s.aws/cluster', Value: cluster },
    { Key: 'ingress.k8s.aws/stack', Value: `shop/${name}` },
  ];
  const { LoadBalancers } = await moto.elbv2.send(
    new CreateLoadBalancerCommand({ Name: name, Subnets: network.subnetIds, Type: 'application', Tags }),
  );
  const { TargetGroups } = await moto.elbv2.send(
    new CreateTargetGroupCommand({
      Name: `${name}-tg`,
      Protocol: 'HTTP',
      Port: 80,
      VpcId: network.vpcId,
      TargetType: 'ip',
      Tags,
    }),
  );
  return {
    loadBalancerArn: LoadBalancers?.[0]?.LoadBalancerArn ?? '',
    targetGroupArn: TargetGroups?.[0]?.TargetGroupArn ?? '',
  };
}
