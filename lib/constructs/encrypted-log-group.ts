import { ArnFormat, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** Properties of {@link EncryptedLogGroup}. */
export interface EncryptedLogGroupProps {
  /** Exact log group name; names under `/aws/eks/<cluster>/` are the ones EKS and Fluent Bit use. */
  readonly logGroupName: string;
  /** How long events are kept. */
  readonly retention: RetentionDays;
  /** What happens to the log group and its key when the stack is deleted. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * A CloudWatch log group encrypted with its own customer-managed KMS key (rotation on).
 * The key policy lets CloudWatch Logs in this region use the key for this log group only.
 */
export class EncryptedLogGroup extends Construct {
  /** The log group. */
  readonly logGroup: LogGroup;
  /** The key that encrypts it. */
  readonly key: Key;

  constructor(scope: Construct, id: string, props: EncryptedLogGroupProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.key = new Key(this, 'Key', {
      description: `Encrypts the CloudWatch log group ${props.logGroupName}`,
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy,
    });
    const logGroupArn = stack.formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: props.logGroupName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchLogsForThisLogGroup',
        principals: [new ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': logGroupArn } },
      }),
    );
    this.logGroup = new LogGroup(this, 'LogGroup', {
      logGroupName: props.logGroupName,
      retention: props.retention,
      encryptionKey: this.key,
      removalPolicy: props.removalPolicy,
    });
  }
}
