import { Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type LifecycleRule,
  ObjectOwnership,
  StorageClass,
} from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { type DeploymentTarget, removalPolicyOf } from '../target.js';

/** Properties of {@link StorageStack}. */
export interface StorageStackProps extends StackProps {
  readonly target: DeploymentTarget;
}

/**
 * S3 buckets for build artifacts and configuration: encrypted with a customer-managed key,
 * public access blocked, TLS only, versioned, with lifecycle rules, and server access logs to a
 * dedicated log bucket.
 */
export class StorageStack extends Stack {
  /** Build and release artifacts. */
  readonly artifactsBucket: Bucket;
  /** Configuration files. */
  readonly configBucket: Bucket;
  /** Receives the server access logs of the two buckets above. */
  readonly accessLogsBucket: Bucket;
  /** Encrypts the artifact and configuration buckets. */
  readonly key: Key;

  constructor(scope: Construct, id: string, props: StorageStackProps) {
    super(scope, id, props);
    const { environment } = props.target;
    const removalPolicy = removalPolicyOf(environment);
    const autoDeleteObjects = environment.removalPolicy === 'destroy';
    const noncurrentDays = environment.name === 'production' ? 90 : 30;

    this.key = new Key(this, 'BucketKey', {
      description: 'Encrypts the fluxguard artifact and configuration buckets',
      enableKeyRotation: true,
      removalPolicy,
    });

    // S3 server access logging cannot deliver to SSE-KMS buckets, so this one uses SSE-S3.
    this.accessLogsBucket = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      removalPolicy,
      autoDeleteObjects,
      lifecycleRules: [
        {
          id: 'expire-access-logs',
          expiration: Duration.days(environment.logRetentionDays),
          noncurrentVersionExpiration: Duration.days(7),
        },
      ],
    });
    Validations.of(this.accessLogsBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the server access log bucket itself; logging it into itself would loop.',
    });

    const lifecycleRules: LifecycleRule[] = [
      {
        id: 'tier-and-expire-old-versions',
        transitions: [{ storageClass: StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) }],
        noncurrentVersionTransitions: [
          { storageClass: StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) },
        ],
        noncurrentVersionExpiration: Duration.days(noncurrentDays),
        abortIncompleteMultipartUploadAfter: Duration.days(7),
      },
    ];
    const bucket = (bucketId: string, prefix: string) =>
      new Bucket(this, bucketId, {
        encryption: BucketEncryption.KMS,
        encryptionKey: this.key,
        bucketKeyEnabled: true,
        blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
        objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
        enforceSSL: true,
        versioned: true,
        lifecycleRules,
        serverAccessLogsBucket: this.accessLogsBucket,
        serverAccessLogsPrefix: `${prefix}/`,
        removalPolicy,
        autoDeleteObjects,
      });
    this.artifactsBucket = bucket('Artifacts', 'artifacts');
    this.configBucket = bucket('Config', 'config');
  }
}
