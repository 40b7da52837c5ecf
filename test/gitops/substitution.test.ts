// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Flux ${var} placeholders are literal text here, not JavaScript templates.
import { describe, expect, it } from 'vitest';
import {
  SUBSTITUTE_ANNOTATION,
  substitute,
  UnresolvedVariableError,
  variablesIn,
} from './support/flux-substitution.js';
import type { KubeObject } from './support/kube-object.js';

function configMap(data: Record<string, string>, annotations?: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'sample', annotations }, data };
}

describe('Flux post-build substitution as the tests apply it', () => {
  it('replaces ${var} and leaves $var alone, like kustomize-controller', () => {
    // Act
    const result = substitute(configMap({ host: '${aws_region}.${domain}', nginx: '$host $remote_addr' }), {
      aws_region: 'eu-west-1',
      domain: 'example.com',
    });

    // Assess
    expect(result.data).toEqual({ host: 'eu-west-1.example.com', nginx: '$host $remote_addr' });
  });

  it('uses the default of ${var:=default} when the variable is not set', () => {
    expect(substitute(configMap({ a: '${missing:=fallback}' }), {}).data).toEqual({ a: 'fallback' });
  });

  it('fails naming the object and variable when a variable has no value', () => {
    expect(() => substitute(configMap({ a: '${clustr_name}' }), { cluster_name: 'x' })).toThrow(
      new UnresolvedVariableError('ConfigMap/sample: no value for ${clustr_name}'),
    );
  });

  it('skips objects annotated substitute: disabled', () => {
    const object = configMap({ a: '${APP_VERSION}' }, { [SUBSTITUTE_ANNOTATION]: 'disabled' });
    expect(substitute(object, {})).toBe(object);
  });

  it('lists the variables a text uses', () => {
    expect(variablesIn('${a} ${b:-x} $c ${a}')).toEqual(['a', 'b']);
  });
});
