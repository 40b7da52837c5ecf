import { describe, expect, it } from 'vitest';
import {
  type Category,
  type ClassifiableEvent,
  classify,
  ignoreReason,
} from '../../../lambdas/flux/classification.js';
import type { Severity } from '../../../lambdas/flux/flux-event.js';

describe('classify', () => {
  it.each<[string, Severity, string, Category]>([
    // Kustomization (contract §4)
    ['Kustomization', 'error', 'HealthCheckFailed', 'rollout-failed'],
    ['Kustomization', 'error', 'ReconciliationFailed', 'rollout-failed'],
    ['Kustomization', 'error', 'BuildFailed', 'build-failed'],
    ['Kustomization', 'error', 'ArtifactFailed', 'build-failed'],
    ['Kustomization', 'info', 'ReconciliationSucceeded', 'succeeded'],
    ['Kustomization', 'info', 'Progressing', 'info'],
    ['Kustomization', 'info', 'DependencyNotReady', 'info'],
    ['Kustomization', 'info', 'HealthCheckCanceled', 'info'],
    ['Kustomization', 'error', 'PruneFailed', 'error'],
    ['Kustomization', 'error', 'AccessDenied', 'error'],
    ['Kustomization', 'error', 'InvalidCELExpression', 'error'],
    // An info event carries the Ready reason of the moment: a failure reason there is not a failure.
    ['Kustomization', 'info', 'HealthCheckFailed', 'info'],
    ['Kustomization', 'info', 'ReconciliationFailed', 'info'],
    // HelmRelease
    ['HelmRelease', 'error', 'InstallFailed', 'rollout-failed'],
    ['HelmRelease', 'error', 'UpgradeFailed', 'rollout-failed'],
    ['HelmRelease', 'error', 'TestFailed', 'rollout-failed'],
    ['HelmRelease', 'error', 'RollbackFailed', 'rollout-failed'],
    ['HelmRelease', 'error', 'UninstallFailed', 'rollout-failed'],
    ['HelmRelease', 'info', 'RollbackSucceeded', 'rollout-failed'],
    ['HelmRelease', 'info', 'InstallSucceeded', 'succeeded'],
    ['HelmRelease', 'info', 'UpgradeSucceeded', 'succeeded'],
    ['HelmRelease', 'info', 'TestSucceeded', 'succeeded'],
    ['HelmRelease', 'error', 'ArtifactFailed', 'build-failed'],
    ['HelmRelease', 'error', 'DriftDetected', 'error'],
    ['HelmRelease', 'info', 'DriftCorrected', 'info'],
    ['HelmRelease', 'info', 'UninstallSucceeded', 'info'],
    // Reasons are per kind: a Kustomization does not "upgrade".
    ['Kustomization', 'error', 'UpgradeFailed', 'error'],
    ['HelmRelease', 'error', 'HealthCheckFailed', 'error'],
    // Image automation and sources
    ['ImageUpdateAutomation', 'info', 'Succeeded', 'image-update-pushed'],
    ['ImageUpdateAutomation', 'error', 'ReconciliationFailed', 'error'],
    ['GitRepository', 'info', 'NewArtifact', 'info'],
    ['GitRepository', 'error', 'GitOperationFailed', 'error'],
    ['OCIRepository', 'error', 'ArtifactFailed', 'build-failed'],
    ['Kustomization', 'trace', 'Progressing', 'info'],
  ])('classifies %s %s %s as %s', (kind, severity, reason, category) => {
    // Prepare
    const event: ClassifiableEvent = { kind, severity, reason };

    // Act
    const classification = classify(event);

    // Assess
    expect(classification.category).toBe(category);
    expect(classification.description).toMatch(new RegExp(`^${kind} ${reason}: `));
  });
});

describe('ignoreReason', () => {
  it.each<[string, Severity, string | undefined]>([
    ['Kustomization', 'info', undefined],
    ['HelmRelease', 'error', undefined],
    ['ExternalArtifact', 'info', undefined],
    ['Kustomization', 'trace', 'trace events are not acted on'],
    ['Pod', 'error', 'kind Pod is not a Flux kind'],
  ])('answers %s %s with %j', (kind, severity, expected) => {
    // Prepare
    const event: ClassifiableEvent = { kind, severity, reason: 'Any' };

    // Act
    const reason = ignoreReason(event);

    // Assess
    expect(reason).toBe(expected);
  });
});
