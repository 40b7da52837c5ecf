import { describe, expect, it } from 'vitest';
import {
  bareMetadata,
  type FluxEvent,
  FluxEventSchema,
  normalizeFluxEvent,
} from '../../../lambdas/flux/flux-event.js';
import { goJsonStringify } from '../../../lambdas/flux/go-json.js';
import { fixtureJson } from '../../support/fixtures.js';

const healthCheckFailed = () => fixtureJson<FluxEvent>('flux-events/kustomization-healthcheck-failed.json');

describe('FluxEventSchema', () => {
  it.each(['yesterday', '2026-13-45T99:00:00Z', '10/08/2026'])(
    'refuses the timestamp %s: the worker judges staleness by it, so it must be a real RFC 3339 time',
    (timestamp) => {
      expect(FluxEventSchema.safeParse({ ...healthCheckFailed(), timestamp }).success).toBe(false);
    },
  );

  it.each(['2026-08-10T09:25:03Z', '2026-08-10T11:25:03+02:00', '2026-08-10T09:25:03.123456789Z'])(
    'accepts the timestamp %s as Go writes metav1.Time',
    (timestamp) => {
      expect(FluxEventSchema.safeParse({ ...healthCheckFailed(), timestamp }).success).toBe(true);
    },
  );

  it('keeps unknown fields, so a newer Flux does not break the receiver', () => {
    // Prepare
    const event = { ...healthCheckFailed(), futureField: { nested: true } };

    // Act
    const parsed = FluxEventSchema.parse(event);

    // Assess
    expect(parsed).toMatchObject({ futureField: { nested: true } });
  });

  it('accepts an event without metadata, as image automation may send', () => {
    // Prepare
    const { metadata: _metadata, ...event } = healthCheckFailed();

    // Act
    const result = FluxEventSchema.safeParse(event);

    // Assess
    expect(result.success).toBe(true);
  });

  it.each([
    ['no involvedObject', { involvedObject: undefined }],
    ['a severity Flux never sends', { severity: 'warning' }],
    ['a numeric reason', { reason: 42 }],
    ['a metadata value that is not a string', { metadata: { revision: 1 } }],
    ['an involvedObject without a name', { involvedObject: { kind: 'Kustomization', namespace: 'apps' } }],
  ])('rejects an event with %s', (_label, change) => {
    // Prepare
    const event = { ...healthCheckFailed(), ...change };

    // Act
    const result = FluxEventSchema.safeParse(event);

    // Assess
    expect(result.success).toBe(false);
  });
});

describe('bareMetadata', () => {
  it('strips Flux group prefixes and lets a bare key win over a prefixed one', () => {
    // Prepare
    const metadata = {
      'kustomize.toolkit.fluxcd.io/revision': 'main/old',
      revision: 'main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1',
      'event.toolkit.fluxcd.io/team': 'payments',
      'helm.toolkit.fluxcd.io/app-version': '6.5.4',
      'example.com/other': 'kept as is',
    };

    // Act
    const bare = bareMetadata(metadata);

    // Assess
    expect(bare).toEqual({
      revision: 'main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1',
      team: 'payments',
      'app-version': '6.5.4',
      'example.com/other': 'kept as is',
    });
  });
});

describe('normalizeFluxEvent', () => {
  it('lifts the object, cluster and parsed revision out of a Kustomization event', () => {
    // Prepare
    const event = FluxEventSchema.parse(healthCheckFailed());

    // Act
    const normalized = normalizeFluxEvent(event, { defaultCluster: 'ignored-because-metadata-has-one' });

    // Assess
    expect(normalized).toMatchObject({
      cluster: 'prod-eu-west-1',
      namespace: 'apps',
      kind: 'Kustomization',
      name: 'webapp',
      reason: 'HealthCheckFailed',
      severity: 'error',
      timestamp: '2026-08-10T09:25:03Z',
      revision: { type: 'git', branch: 'main', sha: '9c1e0e7d3b5f4a2c8e6d1b0a9f8e7d6c5b4a3f21' },
      metadata: { env: 'production' },
    });
  });

  it('reads a prefixed revision key, as the older Flux docs show it', () => {
    // Prepare
    const event = FluxEventSchema.parse({
      ...healthCheckFailed(),
      metadata: { 'kustomize.toolkit.fluxcd.io/revision': 'main/9c1e0e7d3b5f4a2c8e6d1b0a9f8e7d6c5b4a3f21' },
    });

    // Act
    const normalized = normalizeFluxEvent(event, { defaultCluster: 'staging-us-east-1' });

    // Assess
    expect(normalized.cluster).toBe('staging-us-east-1');
    expect(normalized.revision).toMatchObject({ type: 'git', branch: 'main', legacy: true });
  });

  it('names the cluster "unknown" when neither the event nor the configuration does', () => {
    // Prepare
    const { metadata: _m, ...rest } = healthCheckFailed();
    const event = FluxEventSchema.parse(rest);

    // Act
    const normalized = normalizeFluxEvent(event);

    // Assess
    expect(normalized.cluster).toBe('unknown');
    expect(normalized.revision).toBeUndefined();
  });

  it('reads the pushed commit and branch from an image automation message', () => {
    // Prepare
    const event = FluxEventSchema.parse(fixtureJson('flux-events/imageupdateautomation-commit-pushed.json'));

    // Act
    const normalized = normalizeFluxEvent(event);

    // Assess
    expect(normalized.imageUpdate).toEqual({ commit: '3ebb95c', branch: 'main' });
  });

  it('parses a chart version and an OCI origin revision', () => {
    // Prepare
    const digest = 'a'.repeat(64);
    const event = FluxEventSchema.parse({
      ...fixtureJson<FluxEvent>('flux-events/helmrelease-upgrade-failed.json'),
      metadata: { revision: '6.5.4', originRevision: `6.5.4@sha256:${digest}` },
    });

    // Act
    const normalized = normalizeFluxEvent(event);

    // Assess
    expect(normalized.revision).toEqual({ type: 'chart', raw: '6.5.4', version: '6.5.4' });
    expect(normalized.originRevision).toMatchObject({
      type: 'oci',
      tag: '6.5.4',
      digest: `sha256:${digest}`,
    });
  });
});

describe('goJsonStringify', () => {
  it('escapes what Go escapes, so signatures match what Flux sends', () => {
    // Prepare
    const value = { message: 'a <b> & c \u2028 d' };

    // Act
    const json = goJsonStringify(value);

    // Assess
    expect(json).toBe('{"message":"a \\u003cb\\u003e \\u0026 c \\u2028 d"}');
    expect(JSON.parse(json)).toEqual(value);
  });
});
