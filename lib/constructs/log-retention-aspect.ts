import type { IAspect } from 'aws-cdk-lib';
import { CfnLogGroup } from 'aws-cdk-lib/aws-logs';
import type { IConstruct } from 'constructs';

/**
 * Gives every CloudWatch log group in scope the environment's retention, including the ones
 * library constructs create for their own Lambdas (the kubectl provider, custom resources),
 * so no log in staging outlives 7 days and none in production is dropped early.
 */
export class LogRetentionAspect implements IAspect {
  constructor(private readonly retentionInDays: number) {}

  visit(node: IConstruct): void {
    if (node instanceof CfnLogGroup) node.retentionInDays = this.retentionInDays;
  }
}
