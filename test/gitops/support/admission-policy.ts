/**
 * Evaluates a ValidatingAdmissionPolicy the way the API server does, with a CEL implementation:
 * match conditions first (all must hold), then variables in order, then every validation. A
 * validation that is false, or whose expression fails, refuses the request (failurePolicy Fail).
 */
import { Environment } from '@marcbachmann/cel-js';
import type { KubeObject } from './kube-object.js';

/** The parts of an admission request the policy's expressions read. */
export interface AdmissionRequest {
  operation: 'CREATE' | 'UPDATE' | 'DELETE';
  groups: string[];
  /** Plural resource name, e.g. `kustomizations`. */
  resource: string;
  object: KubeObject | null;
  oldObject: KubeObject | null;
}

interface NamedExpression {
  name: string;
  expression: string;
}
interface Validation {
  expression: string;
  message: string;
}

/** The answer: `admitted`, or the messages of the validations that refused the request. */
export type AdmissionAnswer = { admitted: true } | { admitted: false; messages: string[] };

const cel = new Environment({ enableOptionalTypes: true, unlistedVariablesAreDyn: true });

/** Evaluates `policy` for `request`; a request the match conditions do not select is admitted. */
export function admit(policy: KubeObject, request: AdmissionRequest): AdmissionAnswer {
  const spec = policy.spec as {
    matchConditions?: NamedExpression[];
    variables?: NamedExpression[];
    validations: Validation[];
  };
  const context: Record<string, unknown> = {
    request: {
      operation: request.operation,
      userInfo: { username: 'test', groups: request.groups },
      resource: { resource: request.resource },
    },
    object: request.object,
    oldObject: request.oldObject,
  };
  for (const condition of spec.matchConditions ?? []) {
    if (cel.evaluate(condition.expression, context) !== true) return { admitted: true };
  }
  const variables: Record<string, unknown> = {};
  context.variables = variables;
  for (const variable of spec.variables ?? []) {
    try {
      variables[variable.name] = cel.evaluate(variable.expression, context);
    } catch {
      variables[variable.name] = undefined;
    }
  }
  const messages = spec.validations
    .filter((validation) => {
      try {
        return cel.evaluate(validation.expression, context) !== true;
      } catch {
        return true;
      }
    })
    .map((validation) => validation.message);
  return messages.length === 0 ? { admitted: true } : { admitted: false, messages };
}
