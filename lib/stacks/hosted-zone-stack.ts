import { CfnOutput, Fn, type RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { PublicHostedZone } from 'aws-cdk-lib/aws-route53';
import type { Construct } from 'constructs';

/** Properties of {@link HostedZoneStack}. */
export interface HostedZoneStackProps extends StackProps {
  /** The environment's base domain, e.g. `staging.example.com`. */
  readonly domain: string;
  /** What happens to the zone when the stack is deleted. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Creates an environment's public hosted zone, once, for accounts that do not have one yet.
 * Regional stages import the zone by the id this stack outputs (set `<env>HostedZoneId`).
 */
export class HostedZoneStack extends Stack {
  /** The created zone. */
  readonly zone: PublicHostedZone;

  constructor(scope: Construct, id: string, props: HostedZoneStackProps) {
    super(scope, id, props);
    this.zone = new PublicHostedZone(this, 'Zone', { zoneName: props.domain });
    this.zone.applyRemovalPolicy(props.removalPolicy);
    new CfnOutput(this, 'HostedZoneId', {
      value: this.zone.hostedZoneId,
      description: 'Set this as the <env>HostedZoneId context value',
    });
    new CfnOutput(this, 'NameServers', {
      value: Fn.join(',', this.zone.hostedZoneNameServers ?? []),
      description: 'Delegate the domain to these name servers at its parent',
    });
  }
}
