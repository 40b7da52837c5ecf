import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { Certificate, CertificateValidation } from 'aws-cdk-lib/aws-certificatemanager';
import { HostedZone } from 'aws-cdk-lib/aws-route53';
import type { Construct } from 'constructs';
import { type DeploymentTarget, regionalDomain } from '../target.js';

/** Properties of {@link DnsStack}. */
export interface DnsStackProps extends StackProps {
  readonly target: DeploymentTarget;
}

/**
 * The regional TLS certificate: `<region>.<domain>` and `*.<region>.<domain>`, validated through
 * DNS in the environment's hosted zone, which is imported by id (no lookup).
 */
export class DnsStack extends Stack {
  /** The DNS-validated certificate the load balancer controller attaches to ALBs. */
  readonly certificate: Certificate;

  constructor(scope: Construct, id: string, props: DnsStackProps) {
    super(scope, id, props);
    const { environment } = props.target;
    const zone = HostedZone.fromHostedZoneAttributes(this, 'Zone', {
      hostedZoneId: environment.hostedZone.id,
      zoneName: environment.domain,
    });
    const host = regionalDomain(props.target);
    this.certificate = new Certificate(this, 'Certificate', {
      domainName: host,
      subjectAlternativeNames: [`*.${host}`],
      validation: CertificateValidation.fromDns(zone),
    });
    new CfnOutput(this, 'CertificateArn', { value: this.certificate.certificateArn });
  }
}
