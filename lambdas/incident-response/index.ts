/**
 * Incident response: what the incident worker does with one input. A pipeline shaped like the
 * webhook's (resolve → context → guards → validate → decide → act → alert → record) that returns
 * an outcome for every expected case; the guards and the decision as pure, named rules; the state
 * table on DynamoDB with conditional writes (revert ledger, breaker, incidents, last known good,
 * decision log); and thin adapters for Kubernetes (read, reconcile), GitHub (inspect, revert,
 * reapply), SNS (alerts), SQS (follow-ups) and CloudWatch (alarm tags).
 *
 * @example
 * ```ts
 * const input = parseIncidentInput(record.body);
 * const outcome = await processIncident(input, { messageId: record.messageId }, deps);
 * observeIncident(outcome, { logger, metrics });
 * ```
 *
 * @module
 */

export {
  type AlarmTagReader,
  type AlarmTarget,
  AlarmTargets,
  CLUSTER_TAG,
  CloudWatchAlarmTags,
  TARGET_TAG,
  targetFromTags,
} from './alarm-targets.js';
export { type AlertPublisher, alertPublishInput, SnsAlertPublisher } from './alert-publisher.js';
export { type AlertContext, buildAlert } from './build-alert.js';
export {
  type ClusterGateway,
  type ImageAutomationRef,
  KUSTOMIZATION_NAME_LABEL,
  KUSTOMIZATION_NAMESPACE_LABEL,
  KubeClusterGateway,
  type LiveObject,
  REQUESTED_AT_ANNOTATION,
  type ReconcileRef,
  type RevertTarget,
} from './cluster-gateway.js';
export { type ComposedIncidentDeps, createIncidentDeps, type IncidentWiring } from './create-deps.js';
export { decide } from './decide.js';
export type {
  BreakerFacts,
  Decision,
  DecisionAction,
  DecisionFacts,
  TriggerKind,
  VerdictFacts,
} from './decision.js';
export {
  DynamoDbStateStore,
  type DynamoDbStateStoreOptions,
  stateTableDefinition,
  TTL_ATTRIBUTE,
} from './dynamodb-state-store.js';
export {
  IncidentResponseError,
  InjectedCrash,
  ObjectBusyError,
  StateStoreError,
} from './errors.js';
export { type FollowUpScheduler, SqsFollowUpScheduler } from './follow-up-scheduler.js';
export {
  type CommitFacts,
  type GitFacts,
  type GitGateway,
  GitHubGitGateway,
  type ImageUpdateFacts,
  type ReapplyAnswer,
} from './git-gateway.js';
export { GitHubSession, type GitHubSessionOptions } from './github-session.js';
export {
  breakerClosed,
  currentRevisionOnly,
  doubtIsNotFailure,
  FAILURE_GUARDS,
  firstBlocking,
  type Guard,
  modeAllowsRevert,
  modeOff,
  neverRevertARevert,
  notAlreadyBeingFixed,
  notStale,
  PRE_VALIDATION_GUARDS,
} from './guards.js';
export {
  changedMarkers,
  excludeVersion,
  hasSemverPolicy,
  ImagePolicyEditError,
  type ImagePolicyMarker,
  imagePolicyMarkers,
} from './image-policy.js';
export { FLUX_API, fluxPath, KubeCallError, KubeClient, type KubeObjects } from './kube-client.js';
export {
  type AppliedRevision,
  BAKE_ANNOTATION,
  DEFAULT_MODES,
  FINAL_STATES,
  type FluxKind,
  type IncidentAction,
  type IncidentRecord,
  type IncidentState,
  incidentId,
  type LastKnownGood,
  type LedgerEntry,
  type LedgerStatus,
  MODE_ANNOTATION,
  type Mode,
  type ObjectRef,
  objectKey,
  parseTargetLabel,
  sameCommit,
  shaOf,
  targetLabel,
} from './model.js';
export {
  LEASE_POLL_FIRST_MS,
  LEASE_POLL_MAX_MS,
  type LeaseWait,
  RUN_RESERVE_MS,
  takeObjectLease,
} from './object-lease.js';
export { INCIDENT_METRICS, type IncidentObservers, observeIncident } from './observe.js';
export {
  type FailedAction,
  type FailedActionKind,
  type IncidentDeps,
  type IncidentOutcome,
  type MessageMeta,
  type OutcomeKind,
  PIPELINE_STEPS,
  type PipelineStep,
  processIncident,
  type StepNote,
} from './process-incident.js';
export { queueUrlOfArn, type ReceivedMessage, redeliverSoon } from './redelivery.js';
export {
  type BreakerSettings,
  DEFAULT_SETTINGS,
  type IncidentSettings,
  readIncidentSettings,
} from './settings.js';
export type {
  BeginRevert,
  DecisionRecord,
  ObjectState,
  StateStore,
  StateSummary,
} from './state-store.js';
