import { afterAll, beforeAll, beforeEach } from 'vitest';
import {
  endpointFromKubeConfig,
  KubeReader,
  type KubeReaderOptions,
  type ValidateRequest,
  type ValidationReport,
  validateRollout,
} from '../../../../lambdas/cluster/index.js';
import { FakeKubeApi, gitRepository, type KubeObject, kustomization } from '../../../../sandbox/index.js';

/** The Kustomization every scenario validates. */
export const TARGET = { kind: 'Kustomization', namespace: 'flux-system', name: 'apps' } as const;

/** When the sandbox objects' new pods were created (`creationTimestamp` of `app()` pods). */
export const PODS_CREATED_AT = '2026-05-04T12:31:07Z';

/** `PODS_CREATED_AT` plus `seconds`: a clock for scenarios that depend on how old something is. */
export function secondsAfterPodsCreated(seconds: number): () => Date {
  return () => new Date(Date.parse(PODS_CREATED_AT) + seconds * 1000);
}

/** The objects of one kind among `objects`. */
export function byKind(objects: readonly KubeObject[], kind: string): KubeObject[] {
  return objects.filter((o) => o.kind === kind);
}

/** One evidence line per entry, `object field: value`, for matching in assertions. */
export function evidenceOf(report: ValidationReport, layer: 'rollout' | 'pods' | 'http'): string {
  return report.layers[layer].evidence.map((e) => `${e.object} ${e.field}: ${e.value}`).join('\n');
}

/**
 * A fake Kubernetes API started for one test file, with a reader against it, cleared before each
 * test. `validate` runs three checks without waiting between them, as production does (3 checks),
 * so a state that persists is seen three times.
 */
export function validationCluster(readerOptions: Omit<KubeReaderOptions, 'endpoint'> = {}) {
  const api = new FakeKubeApi();
  let reader: KubeReader;
  beforeAll(async () => {
    await api.start();
    reader = new KubeReader({
      endpoint: await endpointFromKubeConfig(api.kubeConfig()),
      requestTimeoutMs: 2_000,
      ...readerOptions,
    });
  });
  afterAll(async () => {
    await reader.close();
    await api.close();
  });
  beforeEach(() => {
    api.clear();
  });
  return {
    api,
    /** Puts objects, their Kustomization and GitRepository; every Service's `http` port answers 200. */
    put(objects: KubeObject[], { failed = false } = {}): void {
      api.put(...objects, kustomization(objects, { failed }), gitRepository());
      for (const service of byKind(objects, 'Service')) {
        api.proxy(service.metadata.namespace ?? '', `${service.metadata.name}:http`, () => ({
          status: 200,
          body: 'ok',
        }));
      }
    },
    validate(
      request: Partial<ValidateRequest> = {},
      { now }: { now?: () => Date } = {},
    ): Promise<ValidationReport> {
      return validateRollout(
        { target: TARGET, checks: 3, intervalMs: 10_000, probeTimeoutMs: 1_000, ...request },
        { reader, sleep: async () => {}, ...(now ? { now } : {}) },
      );
    },
  };
}
