/**
 * zod schemas for the Flux APIs that `@kubernetes-models/flux-cd` 2.3.4 does not ship: helm-controller
 * `helm.toolkit.fluxcd.io/v2`, source-controller `HelmRepository` `source.toolkit.fluxcd.io/v1`, and
 * image-reflector / image-automation `image.toolkit.fluxcd.io/v1` (GA since Flux 2.7).
 *
 * Written from the Go API types and kubebuilder markers of the controllers Flux v2.9 pins
 * (helm-controller v1.6 `api/v2/helmrelease_types.go`, source-controller v1.9 `api/v1/helmrepository_types.go`,
 * image-reflector-controller v1 `api/v1/image{repository,policy}_types.go`, image-automation-controller
 * v1.2 `api/v1/{imageupdateautomation_types,git}.go`). Objects are strict, as the API server's
 * strict field validation is: an unknown or misspelt field fails. Rarely used sub-objects this repository
 * does not set (postRenderers, kubeConfig, test, rollback, uninstall, verify...) are accepted as objects
 * without checking their contents; extend the schema when one of them is first used.
 */
import { z } from 'zod';

/** metav1.Duration as the CRDs constrain it. */
const duration = z
  .string()
  .regex(/^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/, 'must be a Go duration such as 5m or 1h30m');
const name = z.string().min(1).max(253);
const localReference = z.strictObject({ name });
const namespacedReference = z.strictObject({ name, namespace: name.optional() });
const unchecked = z.record(z.string(), z.unknown());

const metadata = z.looseObject({
  name,
  namespace: name.optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});

function resource<Spec extends z.ZodType>(apiVersion: string, kind: string, spec: Spec) {
  return z.strictObject({ apiVersion: z.literal(apiVersion), kind: z.literal(kind), metadata, spec });
}

const crdsPolicy = z.enum(['Skip', 'Create', 'CreateReplace']);

/** `helm.toolkit.fluxcd.io/v2` HelmRelease. */
export const helmReleaseV2 = resource(
  'helm.toolkit.fluxcd.io/v2',
  'HelmRelease',
  z
    .strictObject({
      chart: z
        .strictObject({
          spec: z.strictObject({
            chart: z.string().min(1).max(2048),
            version: z.string().optional(),
            sourceRef: z.strictObject({
              apiVersion: z.string().optional(),
              kind: z.enum(['HelmRepository', 'GitRepository', 'Bucket']),
              name,
              namespace: name.optional(),
            }),
            interval: duration.optional(),
            reconcileStrategy: z.enum(['ChartVersion', 'Revision']).optional(),
            valuesFiles: z.array(z.string()).optional(),
            ignoreMissingValuesFiles: z.boolean().optional(),
            verify: unchecked.optional(),
          }),
          metadata: z
            .strictObject({
              labels: z.record(z.string(), z.string()).optional(),
              annotations: z.record(z.string(), z.string()).optional(),
            })
            .optional(),
        })
        .optional(),
      chartRef: z
        .strictObject({
          apiVersion: z.string().optional(),
          kind: z.enum(['OCIRepository', 'HelmChart', 'ExternalArtifact']),
          name,
          namespace: name.optional(),
        })
        .optional(),
      interval: duration,
      kubeConfig: unchecked.optional(),
      suspend: z.boolean().optional(),
      releaseName: z.string().min(1).max(53).optional(),
      targetNamespace: name.optional(),
      storageNamespace: name.optional(),
      dependsOn: z
        .array(z.strictObject({ name, namespace: name.optional(), readyExpr: z.string().optional() }))
        .optional(),
      timeout: duration.optional(),
      maxHistory: z.number().int().min(0).optional(),
      serviceAccountName: name.optional(),
      persistentClient: z.boolean().optional(),
      driftDetection: z
        .strictObject({
          mode: z.enum(['enabled', 'warn', 'disabled']).optional(),
          ignore: z.array(unchecked).optional(),
        })
        .optional(),
      install: z
        .strictObject({
          timeout: duration.optional(),
          remediation: z
            .strictObject({
              retries: z.number().int().optional(),
              ignoreTestFailures: z.boolean().optional(),
              remediateLastFailure: z.boolean().optional(),
            })
            .optional(),
          strategy: unchecked.optional(),
          disableTakeOwnership: z.boolean().optional(),
          disableWait: z.boolean().optional(),
          disableWaitForJobs: z.boolean().optional(),
          disableHooks: z.boolean().optional(),
          disableOpenAPIValidation: z.boolean().optional(),
          disableSchemaValidation: z.boolean().optional(),
          replace: z.boolean().optional(),
          skipCRDs: z.boolean().optional(),
          crds: crdsPolicy.optional(),
          createNamespace: z.boolean().optional(),
        })
        .optional(),
      upgrade: z
        .strictObject({
          timeout: duration.optional(),
          remediation: z
            .strictObject({
              retries: z.number().int().optional(),
              ignoreTestFailures: z.boolean().optional(),
              remediateLastFailure: z.boolean().optional(),
              strategy: z.enum(['rollback', 'uninstall']).optional(),
            })
            .optional(),
          strategy: unchecked.optional(),
          disableTakeOwnership: z.boolean().optional(),
          disableWait: z.boolean().optional(),
          disableWaitForJobs: z.boolean().optional(),
          disableHooks: z.boolean().optional(),
          disableOpenAPIValidation: z.boolean().optional(),
          disableSchemaValidation: z.boolean().optional(),
          force: z.boolean().optional(),
          preserveValues: z.boolean().optional(),
          cleanupOnFail: z.boolean().optional(),
          crds: crdsPolicy.optional(),
        })
        .optional(),
      test: unchecked.optional(),
      rollback: unchecked.optional(),
      uninstall: unchecked.optional(),
      valuesFrom: z
        .array(
          z.strictObject({
            kind: z.enum(['Secret', 'ConfigMap']),
            name,
            valuesKey: z.string().optional(),
            targetPath: z.string().optional(),
            optional: z.boolean().optional(),
          }),
        )
        .optional(),
      values: unchecked.optional(),
      postRenderers: z.array(unchecked).optional(),
      commonMetadata: unchecked.optional(),
      waitStrategy: unchecked.optional(),
    })
    .refine((spec) => (spec.chart === undefined) !== (spec.chartRef === undefined), {
      message: 'exactly one of spec.chart and spec.chartRef must be set',
    }),
);

/** `source.toolkit.fluxcd.io/v1` HelmRepository. */
export const helmRepositoryV1 = resource(
  'source.toolkit.fluxcd.io/v1',
  'HelmRepository',
  z.strictObject({
    url: z.string().regex(/^(http|https|oci):\/\/.*$/),
    secretRef: localReference.optional(),
    certSecretRef: localReference.optional(),
    passCredentials: z.boolean().optional(),
    insecure: z.boolean().optional(),
    interval: duration.optional(),
    timeout: duration.optional(),
    suspend: z.boolean().optional(),
    accessFrom: unchecked.optional(),
    type: z.enum(['default', 'oci']).optional(),
    provider: z.enum(['generic', 'aws', 'azure', 'gcp']).optional(),
  }),
);

const imageProvider = z.enum(['generic', 'aws', 'azure', 'gcp']);

/** `image.toolkit.fluxcd.io/v1` ImageRepository. */
export const imageRepositoryV1 = resource(
  'image.toolkit.fluxcd.io/v1',
  'ImageRepository',
  z.strictObject({
    image: z.string().min(1),
    interval: duration,
    timeout: duration.optional(),
    secretRef: localReference.optional(),
    serviceAccountName: name.optional(),
    certSecretRef: localReference.optional(),
    proxySecretRef: localReference.optional(),
    exclusionList: z.array(z.string()).max(25).optional(),
    accessFrom: unchecked.optional(),
    suspend: z.boolean().optional(),
    provider: imageProvider.optional(),
    insecure: z.boolean().optional(),
  }),
);

/** `image.toolkit.fluxcd.io/v1` ImagePolicy. */
export const imagePolicyV1 = resource(
  'image.toolkit.fluxcd.io/v1',
  'ImagePolicy',
  z.strictObject({
    imageRepositoryRef: namespacedReference,
    policy: z
      .strictObject({
        semver: z.strictObject({ range: z.string().min(1) }).optional(),
        alphabetical: z.strictObject({ order: z.enum(['asc', 'desc']).optional() }).optional(),
        numerical: z.strictObject({ order: z.enum(['asc', 'desc']).optional() }).optional(),
      })
      .refine((policy) => Object.keys(policy).length === 1, { message: 'exactly one policy must be set' }),
    filterTags: z.strictObject({ pattern: z.string().optional(), extract: z.string().optional() }).optional(),
    digestReflectionPolicy: z.enum(['Always', 'IfNotPresent', 'Never']).optional(),
    interval: duration.optional(),
    suspend: z.boolean().optional(),
  }),
);

/** `image.toolkit.fluxcd.io/v1` ImageUpdateAutomation. */
export const imageUpdateAutomationV1 = resource(
  'image.toolkit.fluxcd.io/v1',
  'ImageUpdateAutomation',
  z.strictObject({
    sourceRef: z.strictObject({
      apiVersion: z.string().optional(),
      kind: z.literal('GitRepository'),
      name,
      namespace: name.optional(),
    }),
    git: z
      .strictObject({
        checkout: z
          .strictObject({
            ref: z.strictObject({
              branch: z.string().optional(),
              tag: z.string().optional(),
              semver: z.string().optional(),
              name: z.string().optional(),
              commit: z.string().optional(),
            }),
          })
          .optional(),
        commit: z.strictObject({
          author: z.strictObject({ name: z.string().optional(), email: z.string().min(1) }),
          signingKey: z
            .strictObject({ secretRef: localReference, type: z.enum(['gpg', 'ssh']).optional() })
            .optional(),
          messageTemplate: z.string().optional(),
          messageTemplateValues: z.record(z.string(), z.string()).optional(),
        }),
        push: z
          .strictObject({
            branch: z.string().optional(),
            refspec: z
              .string()
              .regex(/^$|^[^+:]/)
              .optional(),
            options: z.record(z.string(), z.string()).optional(),
          })
          .optional(),
      })
      .optional(),
    interval: duration,
    policySelector: unchecked.optional(),
    update: z
      .strictObject({ strategy: z.literal('Setters').optional(), path: z.string().optional() })
      .optional(),
    suspend: z.boolean().optional(),
  }),
);
