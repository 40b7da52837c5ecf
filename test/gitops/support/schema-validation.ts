import { Kustomization } from '@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1';
import { Alert, Provider } from '@kubernetes-models/flux-cd/notification.toolkit.fluxcd.io/v1beta3';
import { GitRepository } from '@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1';
import {
  Probe,
  PrometheusRule,
  ServiceMonitor,
} from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import {
  ValidatingAdmissionPolicy,
  ValidatingAdmissionPolicyBinding,
} from 'kubernetes-models/admissionregistration.k8s.io/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import {
  ClusterRole,
  ClusterRoleBinding,
  Role,
  RoleBinding,
} from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { StorageClass } from 'kubernetes-models/storage.k8s.io/v1';
import { ConfigMap, Namespace, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import type { z } from 'zod';
import { externalSecretV1, secretStoreV1 } from '../schemas/external-secrets-crds.js';
import {
  helmReleaseV2,
  helmRepositoryV1,
  imagePolicyV1,
  imageRepositoryV1,
  imageUpdateAutomationV1,
} from '../schemas/flux-crds.js';
import type { KubeObject } from './kube-object.js';

/** Validates one object; returns human-readable problems, empty when valid. */
export type Validator = (object: KubeObject) => string[];

type ModelClass = new (data: never) => { validate(): void };

function fromModel(model: ModelClass): Validator {
  return (object) => {
    try {
      new model(object as never).validate();
      return [];
    } catch (error) {
      return [(error as Error).message];
    }
  };
}

function fromZod(schema: z.ZodType): Validator {
  return (object) => {
    const result = schema.safeParse(object);
    return result.success
      ? []
      : result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  };
}

/**
 * Where each schema comes from:
 * - Kubernetes built-in kinds: `kubernetes-models` 5.1.0 (JSON schemas generated from the Kubernetes
 *   OpenAPI; every API used here is GA and unchanged in Kubernetes 1.36).
 * - Kustomization v1, GitRepository v1, Provider and Alert v1beta3: `@kubernetes-models/flux-cd` 2.3.4.
 * - ServiceMonitor, Probe and PrometheusRule v1: `@kubernetes-models/prometheus-operator` 6.0.0.
 * - HelmRelease v2, HelmRepository v1, image.toolkit.fluxcd.io/v1: zod schemas in `../schemas/flux-crds.ts`,
 *   because the model package predates those versions.
 * - External Secrets Operator SecretStore and ExternalSecret v1: zod schemas in
 *   `../schemas/external-secrets-crds.ts`.
 */
export const VALIDATORS: Readonly<Record<string, Validator>> = {
  'v1/Namespace': fromModel(Namespace),
  'v1/ServiceAccount': fromModel(ServiceAccount),
  'v1/ConfigMap': fromModel(ConfigMap),
  'v1/Secret': fromModel(Secret),
  'v1/Service': fromModel(Service),
  'apps/v1/Deployment': fromModel(Deployment),
  'autoscaling/v2/HorizontalPodAutoscaler': fromModel(HorizontalPodAutoscaler),
  'policy/v1/PodDisruptionBudget': fromModel(PodDisruptionBudget),
  'networking.k8s.io/v1/Ingress': fromModel(Ingress),
  'networking.k8s.io/v1/NetworkPolicy': fromModel(NetworkPolicy),
  'rbac.authorization.k8s.io/v1/ClusterRole': fromModel(ClusterRole),
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': fromModel(ClusterRoleBinding),
  'rbac.authorization.k8s.io/v1/Role': fromModel(Role),
  'rbac.authorization.k8s.io/v1/RoleBinding': fromModel(RoleBinding),
  'storage.k8s.io/v1/StorageClass': fromModel(StorageClass),
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy': fromModel(ValidatingAdmissionPolicy),
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding': fromModel(
    ValidatingAdmissionPolicyBinding,
  ),
  'kustomize.toolkit.fluxcd.io/v1/Kustomization': fromModel(Kustomization),
  'source.toolkit.fluxcd.io/v1/GitRepository': fromModel(GitRepository),
  'notification.toolkit.fluxcd.io/v1beta3/Provider': fromModel(Provider),
  'notification.toolkit.fluxcd.io/v1beta3/Alert': fromModel(Alert),
  'monitoring.coreos.com/v1/ServiceMonitor': fromModel(ServiceMonitor),
  'monitoring.coreos.com/v1/Probe': fromModel(Probe),
  'monitoring.coreos.com/v1/PrometheusRule': fromModel(PrometheusRule),
  'helm.toolkit.fluxcd.io/v2/HelmRelease': fromZod(helmReleaseV2),
  'source.toolkit.fluxcd.io/v1/HelmRepository': fromZod(helmRepositoryV1),
  'image.toolkit.fluxcd.io/v1/ImageRepository': fromZod(imageRepositoryV1),
  'image.toolkit.fluxcd.io/v1/ImagePolicy': fromZod(imagePolicyV1),
  'image.toolkit.fluxcd.io/v1/ImageUpdateAutomation': fromZod(imageUpdateAutomationV1),
  'external-secrets.io/v1/SecretStore': fromZod(secretStoreV1),
  'external-secrets.io/v1/ExternalSecret': fromZod(externalSecretV1),
};

/** Validates an object against the schema of its apiVersion and kind; an unknown type is itself a problem. */
export function validateObject(object: KubeObject): string[] {
  const validator = VALIDATORS[`${object.apiVersion}/${object.kind}`];
  if (!validator) return [`no schema is registered for ${object.apiVersion} ${object.kind}`];
  return validator(object);
}
