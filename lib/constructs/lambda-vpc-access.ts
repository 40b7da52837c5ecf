import { PolicyStatement } from 'aws-cdk-lib/aws-iam';

/**
 * What the managed policy AWSLambdaVPCAccessExecutionRole grants, written out so the role holds no
 * managed policy: Lambda creates and removes a function's network interfaces in the VPC, whose ids
 * exist only at run time, hence `*` (cdk-nag's acknowledgement says the same).
 */
export function lambdaVpcAccessStatement(): PolicyStatement {
  return new PolicyStatement({
    actions: [
      'ec2:CreateNetworkInterface',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DescribeSubnets',
      'ec2:DeleteNetworkInterface',
      'ec2:AssignPrivateIpAddresses',
      'ec2:UnassignPrivateIpAddresses',
    ],
    resources: ['*'],
  });
}
