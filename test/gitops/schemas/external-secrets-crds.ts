/**
 * zod schemas for the External Secrets Operator APIs this repository uses, `external-secrets.io/v1`
 * SecretStore (AWS provider) and ExternalSecret, written from the operator's Go API types
 * (`apis/externalsecrets/v1/{secretstore_types,secretstore_aws_types,externalsecret_types}.go`).
 * Strict like the API server's field validation; sub-objects this repository does not set (auth,
 * templates, dataFrom generators...) are accepted as objects without checking their contents.
 */
import { z } from 'zod';

const duration = z.string().regex(/^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/, 'must be a Go duration such as 1h');
const name = z.string().min(1).max(253);
const unchecked = z.record(z.string(), z.unknown());
const metadata = z.looseObject({
  name,
  namespace: name.optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});

function resource<Spec extends z.ZodType>(kind: string, spec: Spec) {
  return z.strictObject({
    apiVersion: z.literal('external-secrets.io/v1'),
    kind: z.literal(kind),
    metadata,
    spec,
  });
}

/** `external-secrets.io/v1` SecretStore with the AWS provider. */
export const secretStoreV1 = resource(
  'SecretStore',
  z.strictObject({
    controller: z.string().optional(),
    refreshInterval: z.number().int().optional(),
    retrySettings: unchecked.optional(),
    conditions: z.array(unchecked).optional(),
    provider: z.strictObject({
      aws: z.strictObject({
        service: z.enum(['SecretsManager', 'ParameterStore']),
        region: z.string().min(1),
        auth: unchecked.optional(),
        role: z.string().optional(),
        additionalRoles: z.array(z.string()).optional(),
        externalID: z.string().optional(),
        sessionTags: z.array(unchecked).optional(),
        secretsManager: unchecked.optional(),
        transitiveTagKeys: z.array(z.string()).optional(),
        prefix: z.string().optional(),
      }),
    }),
  }),
);

const remoteRef = z.strictObject({
  key: z.string().min(1),
  property: z.string().optional(),
  version: z.string().optional(),
  metadataPolicy: z.enum(['None', 'Fetch']).optional(),
  conversionStrategy: z.enum(['Default', 'Unicode']).optional(),
  decodingStrategy: z.enum(['Auto', 'Base64', 'Base64URL', 'None']).optional(),
});

/** `external-secrets.io/v1` ExternalSecret. */
export const externalSecretV1 = resource(
  'ExternalSecret',
  z.strictObject({
    refreshInterval: duration.optional(),
    refreshPolicy: z.enum(['CreatedOnce', 'Periodic', 'OnChange']).optional(),
    secretStoreRef: z.strictObject({ kind: z.enum(['SecretStore', 'ClusterSecretStore']), name }),
    target: z
      .strictObject({
        name: name.optional(),
        creationPolicy: z.enum(['Owner', 'Orphan', 'Merge', 'None']).optional(),
        deletionPolicy: z.enum(['Delete', 'Merge', 'Retain']).optional(),
        template: unchecked.optional(),
        immutable: z.boolean().optional(),
      })
      .optional(),
    data: z
      .array(z.strictObject({ secretKey: z.string().min(1), remoteRef, sourceRef: unchecked.optional() }))
      .optional(),
    dataFrom: z.array(unchecked).optional(),
  }),
);
