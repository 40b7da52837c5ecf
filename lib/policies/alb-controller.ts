/**
 * The AWS Load Balancer Controller's IAM policy, vendored verbatim from upstream:
 * https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/v3.2.2/docs/install/iam_policy.json
 * (the same file aws-cdk-lib ships as `aws-eks-v2/lib/addons/alb-iam_policy-v3.2.2.json`).
 * Upgrade by replacing the JSON with the release's file and bumping ALB_CONTROLLER_POLICY_VERSION.
 */
import { readFileSync } from 'node:fs';
import { PolicyDocument } from 'aws-cdk-lib/aws-iam';
import { ALB_CONTROLLER_POLICY_VERSION } from '../versions.js';

/** Path of the vendored policy JSON. */
export const ALB_CONTROLLER_POLICY_FILE = new URL(
  `./aws-load-balancer-controller-${ALB_CONTROLLER_POLICY_VERSION}.json`,
  import.meta.url,
);

/** The policy JSON as published upstream. */
export interface IamPolicyJson {
  readonly Version: string;
  readonly Statement: Array<Record<string, unknown>>;
}

/** The vendored policy JSON, parsed. */
export function albControllerPolicyJson(): IamPolicyJson {
  return JSON.parse(readFileSync(ALB_CONTROLLER_POLICY_FILE, 'utf8')) as IamPolicyJson;
}

/** The upstream policy as an IAM policy document. */
export function albControllerPolicyDocument(): PolicyDocument {
  return PolicyDocument.fromJson(albControllerPolicyJson());
}
