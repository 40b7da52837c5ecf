import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  changedMarkers,
  excludeVersion,
  hasSemverPolicy,
  ImagePolicyEditError,
  imagePolicyMarkers,
} from '../../../lambdas/incident-response/image-policy.js';

const POLICY = `# Only the supported stable branch (1.30.x, patched: >=1.30.1 fixes
# CVE-2026-42945) and only the plain alpine variant.
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata:
  name: sre-challenge-app
  namespace: flux-system
spec:
  imageRepositoryRef:
    name: sre-challenge-app
  policy:
    semver:
      range: ">=1.30.1 <1.31.0" # the stable branch
`;

describe('imagePolicyMarkers', () => {
  it('reads the policy and the tag from image and tag setters', () => {
    const text = [
      '          image: nginxinc/nginx-unprivileged:1.30.1-alpine # {"$imagepolicy": "flux-system:sre-challenge-app"}',
      '              value: 1.30.1-alpine # {"$imagepolicy": "flux-system:sre-challenge-app:tag"}',
      '  image: plain:latest',
    ].join('\n');
    expect(imagePolicyMarkers(text)).toEqual([
      {
        policy: { namespace: 'flux-system', name: 'sre-challenge-app' },
        value: 'nginxinc/nginx-unprivileged:1.30.1-alpine',
        tag: '1.30.1-alpine',
      },
      {
        policy: { namespace: 'flux-system', name: 'sre-challenge-app' },
        field: 'tag',
        value: '1.30.1-alpine',
        tag: '1.30.1-alpine',
      },
    ]);
  });

  it('keeps only the markers on changed lines', () => {
    const before =
      'image: web:1.4.2 # {"$imagepolicy": "flux-system:web"}\nother: 1 # {"$imagepolicy": "flux-system:x:tag"}\n';
    const after =
      'image: web:1.4.3 # {"$imagepolicy": "flux-system:web"}\nother: 1 # {"$imagepolicy": "flux-system:x:tag"}\n';
    expect(changedMarkers(before, after).map((m) => m.tag)).toEqual(['1.4.3']);
  });
});

describe('excludeVersion', () => {
  it('appends !=<version> to a quoted semver range, keeping comments and layout', () => {
    const edited = excludeVersion(POLICY, 'sre-challenge-app', '1.30.2');
    expect(edited).toBe(POLICY.replace('range: ">=1.30.1 <1.31.0"', 'range: ">=1.30.1 <1.31.0 !=1.30.2"'));
  });

  it('quotes a plain range, leaves an existing exclusion alone, and finds the policy among several documents', () => {
    const plain = `kind: ImageRepository\nmetadata:\n  name: x\n---\nkind: ImagePolicy\nmetadata:\n  name: web\nspec:\n  policy:\n    semver:\n      range: 1.4.x\n`;
    const once = excludeVersion(plain, 'web', '1.4.3');
    expect(once).toContain('      range: "1.4.x !=1.4.3"\n');
    expect(excludeVersion(once, 'web', '1.4.3')).toBe(once);
  });

  it('refuses another policy type, another name, or no ImagePolicy at all', () => {
    const alphabetical =
      'kind: ImagePolicy\nmetadata:\n  name: web\nspec:\n  policy:\n    alphabetical:\n      order: asc\n';
    expect(() => excludeVersion(alphabetical, 'web', '1')).toThrow(ImagePolicyEditError);
    expect(() => excludeVersion(POLICY, 'other', '1')).toThrow('no ImagePolicy other in the file');
    expect(hasSemverPolicy(alphabetical, 'web')).toBe(false);
    expect(hasSemverPolicy(POLICY, 'sre-challenge-app')).toBe(true);
  });
});

describe('excludeVersion with filterTags', () => {
  // This repository's own ImagePolicy: the tag is 1.30.2-alpine, the version the range sees is 1.30.2.
  const REPOSITORY_POLICY = readFileSync(
    new URL('../../../gitops/apps/base/image-automation/imagepolicy.yaml', import.meta.url),
    'utf8',
  );

  it('excludes the version the policy extracts from the tag, which is what its semver range compares', () => {
    const edited = excludeVersion(REPOSITORY_POLICY, 'sre-challenge-app', '1.30.2-alpine');
    expect(edited).toContain('range: ">=1.30.1 <1.31.0 !=1.30.2"');
    expect(edited).not.toContain('!=1.30.2-alpine');
  });

  it('refuses a tag the policy would never have selected, so the worker suspends the automation instead', () => {
    expect(() => excludeVersion(REPOSITORY_POLICY, 'sre-challenge-app', '1.30.2-debian')).toThrow(
      ImagePolicyEditError,
    );
  });

  it('still recognises the policy as semver', () => {
    expect(hasSemverPolicy(REPOSITORY_POLICY, 'sre-challenge-app')).toBe(true);
  });
});
