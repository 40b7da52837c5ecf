import { describe, expect, it } from 'vitest';
import { admit } from './support/admission-policy.js';
import { loadGitopsTree } from './support/gitops-tree.js';
import { type KubeObject, objectRef } from './support/kube-object.js';

const tree = await loadGitopsTree('production');
const policy = tree.objects.find(
  (object) => objectRef(object) === 'ValidatingAdmissionPolicy/fluxguard-guard-reconcile-only',
) as KubeObject;
const GUARD = ['fluxguard-guard', 'system:authenticated'];
const REQUESTED_AT = 'reconcile.fluxcd.io/requestedAt';

function gitRepository(): KubeObject {
  const object = {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'GitRepository',
    metadata: {
      name: 'flux-system',
      namespace: 'flux-system',
      labels: { 'kustomize.toolkit.fluxcd.io/name': 'flux-system' },
      annotations: { 'kustomize.toolkit.fluxcd.io/ssa': 'merge' },
      finalizers: ['finalizers.fluxcd.io'],
    },
    spec: { interval: '1m', url: 'https://github.com/acme/platform', ref: { branch: 'main' } },
  };
  return object as KubeObject;
}

function kustomization(): KubeObject {
  return {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name: 'apps', namespace: 'flux-system' },
    spec: {
      interval: '10m',
      path: './gitops/apps/production',
      prune: true,
      sourceRef: { kind: 'GitRepository', name: 'flux-system' },
    },
  };
}

function imageUpdateAutomation(suspend?: boolean): KubeObject {
  return {
    apiVersion: 'image.toolkit.fluxcd.io/v1',
    kind: 'ImageUpdateAutomation',
    metadata: { name: 'sre-challenge-app', namespace: 'flux-system' },
    spec: {
      interval: '5m',
      sourceRef: { kind: 'GitRepository', name: 'flux-system' },
      git: { commit: { author: { email: 'flux@example.com' } } },
      update: { strategy: 'Setters', path: './gitops/apps/base' },
      ...(suspend === undefined ? {} : { suspend }),
    },
  };
}

/** Deletes the field at a path when used as the value of {@link edited}. */
const REMOVE = Symbol('remove');

/** A deep copy of `object` with the field at `path` set to `value` (or removed). */
function edited(object: KubeObject, path: readonly string[], value: unknown): KubeObject {
  const copy = structuredClone(object);
  let node = copy as Record<string, unknown>;
  for (const key of path.slice(0, -1)) {
    node[key] ??= {};
    node = node[key] as Record<string, unknown>;
  }
  const last = path.at(-1) ?? '';
  if (value === REMOVE) delete node[last];
  else node[last] = value;
  return copy;
}

const update = (resource: string, oldObject: KubeObject, object: KubeObject, groups = GUARD) =>
  admit(policy, { operation: 'UPDATE', groups, resource, object, oldObject });

describe('the admission policy that keeps the guard to asking Flux to reconcile', () => {
  it('is bound to deny and fails closed', () => {
    expect(policy.spec).toMatchObject({ failurePolicy: 'Fail' });
    expect(
      tree.objects.find(
        (object) => objectRef(object) === 'ValidatingAdmissionPolicyBinding/fluxguard-guard-reconcile-only',
      )?.spec,
    ).toEqual({ policyName: 'fluxguard-guard-reconcile-only', validationActions: ['Deny'] });
  });

  it.each([
    ['gitrepositories', gitRepository()],
    ['kustomizations', kustomization()],
    ['imageupdateautomations', imageUpdateAutomation()],
  ])('lets the guard set the requestedAt annotation on %s', (resource, object) => {
    // Act
    const answer = update(
      resource,
      object,
      edited(object, ['metadata', 'annotations', REQUESTED_AT], '2026-12-03T17:00:00Z'),
    );

    // Assess
    expect(answer).toEqual({ admitted: true });
  });

  it('lets the guard move the requestedAt annotation on again', () => {
    const before = edited(kustomization(), ['metadata', 'annotations', REQUESTED_AT], '2026-12-03T17:00:00Z');
    const after = edited(before, ['metadata', 'annotations', REQUESTED_AT], '2026-12-03T17:05:00Z');
    expect(update('kustomizations', before, after)).toEqual({ admitted: true });
  });

  it.each([
    [
      'a GitRepository URL change',
      'gitrepositories',
      gitRepository(),
      ['spec', 'url'],
      'https://example.invalid/evil',
      'may not change the spec',
    ],
    [
      'a Kustomization path change',
      'kustomizations',
      kustomization(),
      ['spec', 'path'],
      './empty',
      'may not change the spec',
    ],
    [
      'suspending a Kustomization',
      'kustomizations',
      kustomization(),
      ['spec', 'suspend'],
      true,
      'may not change the spec',
    ],
    [
      'another annotation',
      'kustomizations',
      kustomization(),
      ['metadata', 'annotations', 'kustomize.toolkit.fluxcd.io/reconcile'],
      'disabled',
      'only the reconcile.fluxcd.io/requestedAt annotation',
    ],
    [
      'removing an annotation',
      'gitrepositories',
      gitRepository(),
      ['metadata', 'annotations'],
      {},
      'only the reconcile.fluxcd.io/requestedAt annotation',
    ],
    [
      'a label',
      'gitrepositories',
      gitRepository(),
      ['metadata', 'labels', 'team'],
      'x',
      'may not change labels',
    ],
    [
      'dropping the finalizer',
      'gitrepositories',
      gitRepository(),
      ['metadata', 'finalizers'],
      [],
      'may not change finalizers',
    ],
    [
      'an owner reference',
      'kustomizations',
      kustomization(),
      ['metadata', 'ownerReferences'],
      [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'x', uid: 'u' }],
      'may not change owner references',
    ],
    [
      'an ImageUpdateAutomation update path change',
      'imageupdateautomations',
      imageUpdateAutomation(),
      ['spec', 'update', 'path'],
      './gitops',
      'may change only spec.suspend',
    ],
    [
      'resuming an ImageUpdateAutomation',
      'imageupdateautomations',
      imageUpdateAutomation(true),
      ['spec', 'suspend'],
      false,
      'never resume it',
    ],
    [
      'resuming an ImageUpdateAutomation by dropping suspend',
      'imageupdateautomations',
      imageUpdateAutomation(true),
      ['spec', 'suspend'],
      REMOVE,
      'never resume it',
    ],
  ] as const)('refuses %s by the guard', (_what, resource, object, path, value, message) => {
    // Act
    const answer = update(resource, object, edited(object, path, value));

    // Assess
    expect(answer.admitted).toBe(false);
    expect(answer.admitted ? [] : answer.messages).toEqual([expect.stringContaining(message)]);
  });

  it.each([
    ['absent', undefined],
    ['false', false],
  ])('lets the guard suspend an ImageUpdateAutomation whose suspend is %s', (_what, suspend) => {
    const object = imageUpdateAutomation(suspend);
    expect(update('imageupdateautomations', object, edited(object, ['spec', 'suspend'], true))).toEqual({
      admitted: true,
    });
  });

  it('refuses creating or deleting a Flux object by the guard', () => {
    expect(
      admit(policy, {
        operation: 'DELETE',
        groups: GUARD,
        resource: 'kustomizations',
        object: null,
        oldObject: kustomization(),
      }).admitted,
    ).toBe(false);
    expect(
      admit(policy, {
        operation: 'CREATE',
        groups: GUARD,
        resource: 'kustomizations',
        object: kustomization(),
        oldObject: null,
      }).admitted,
    ).toBe(false);
  });

  it('leaves everyone else alone', () => {
    const object = gitRepository();
    expect(
      update('gitrepositories', object, edited(object, ['spec', 'url'], 'https://github.com/acme/other'), [
        'system:serviceaccounts:flux-system',
      ]),
    ).toEqual({ admitted: true });
  });
});
