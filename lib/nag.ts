/**
 * cdk-nag acknowledgements. Rules that report one finding per policy or resource need the
 * finding spelled out (`AwsSolutions-IAM4[Policy::...]`); these helpers build those ids so each
 * acknowledgement names exactly what it accepts, with its reason.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** An AWS-managed policy as cdk-nag's IAM4 rule names it. */
export function managedPolicyFinding(policyName: string): string {
  return `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${policyName}]`;
}

/** A wildcard resource as cdk-nag's IAM5 rule names it. */
export function wildcardResourceFinding(resource: string): string {
  return `AwsSolutions-IAM5[Resource::${resource}]`;
}

/** A wildcard action as cdk-nag's IAM5 rule names it. */
export function wildcardActionFinding(action: string): string {
  return `AwsSolutions-IAM5[Action::${action}]`;
}

/** How cdk-nag prints an `Fn::GetAtt` of `construct`'s resource: `<LogicalId.Attribute>`. */
export function getAttToken(construct: IConstruct, attributeToken: string): string {
  const resolved = Stack.of(construct).resolve(attributeToken) as { 'Fn::GetAtt'?: [string, string] };
  const getAtt = resolved['Fn::GetAtt'];
  if (!getAtt) throw new Error(`Expected an Fn::GetAtt token, got ${JSON.stringify(resolved)}`);
  return `<${getAtt[0]}.${getAtt[1]}>`;
}

/** Acknowledges each finding id on `scope` and its children with the same written reason. */
export function acknowledge(scope: IConstruct, ids: readonly string[], reason: string): void {
  if (reason.trim().length < 20)
    throw new Error(`Acknowledgement of ${ids.join(', ')} needs a written reason`);
  for (const id of ids) Validations.of(scope).acknowledge({ id, reason });
}

/** Every wildcard finding (resources and actions) IAM5 reports for a policy JSON document. */
export function wildcardFindingsOf(policy: { Statement: Array<Record<string, unknown>> }): string[] {
  const findings = new Set<string>();
  const asList = (value: unknown): string[] =>
    Array.isArray(value) ? value.map(String) : value === undefined ? [] : [String(value)];
  for (const statement of policy.Statement) {
    for (const resource of asList(statement.Resource)) {
      if (resource.includes('*')) findings.add(wildcardResourceFinding(resource));
    }
    for (const action of asList(statement.Action)) {
      if (action.includes('*')) findings.add(wildcardActionFinding(action));
    }
  }
  return [...findings];
}
