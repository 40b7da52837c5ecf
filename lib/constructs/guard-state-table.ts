import type { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/** Properties of {@link GuardStateTable}. */
export interface GuardStateTableProps {
  readonly tableName: string;
  /** Refuse `DeleteTable` (production). */
  readonly deletionProtection: boolean;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The guard's one DynamoDB table: last known good revisions, incidents, the revert ledger,
 * breaker counters, Slack threads and Powertools idempotency records, under string keys `pk`
 * and `sk`, with TTL on `expiresAt` for what is temporary. On-demand, point-in-time recovery,
 * encrypted with a key of its own.
 *
 * @example
 * const state = new GuardStateTable(this, 'State', {
 *   tableName: 'fluxguard-staging-us-east-1-state', deletionProtection: false, removalPolicy,
 * });
 * state.table.grantReadWriteData(worker.function);
 */
export class GuardStateTable extends Construct {
  /** The table. */
  readonly table: TableV2;
  /** Encrypts it. */
  readonly key: Key;

  constructor(scope: Construct, id: string, props: GuardStateTableProps) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: `Encrypts the DynamoDB table ${props.tableName}`,
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy,
    });
    this.table = new TableV2(this, 'Table', {
      tableName: props.tableName,
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billing: Billing.onDemand(),
      timeToLiveAttribute: 'expiresAt',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryptionV2.customerManagedKey(this.key),
      deletionProtection: props.deletionProtection,
      removalPolicy: props.removalPolicy,
    });
  }
}
