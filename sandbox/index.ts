/**
 * Local stand-ins that speak the real protocols, for the tests, the benchmarks and
 * `fluxguard simulate`: an HTTPS Kubernetes API with its own CA, a GitHub REST server over a real
 * git repository, and AWS JSON endpoints (SQS, Secrets Manager) reached through AWS_ENDPOINT_URL.
 * They bind 127.0.0.1 only.
 *
 * ```ts
 * const api = new FakeKubeApi();
 * await api.start();
 * api.put(...app('web', { state: 'crashloop' }));
 * ```
 *
 * @module
 */

export {
  type DynamoDbFault,
  type DynamoDbFaultAnswer,
  type LocalDynamoDb,
  startLocalDynamoDb,
} from './aws/dynamodb.js';
export {
  type FakeAwsCalls,
  startFakeAws,
} from './aws/fake-aws.js';
export { FakeFifoQueue } from './aws/fake-queue.js';
export { type CapturedSns, type CapturedSnsMessage, startCapturedSns } from './aws/sns.js';
export { fluxDuration, parseGoDuration, StoryClock } from './flux/clock.js';
export {
  FluxSimulator,
  type FluxSimulatorOptions,
  REQUESTED_AT,
  type SimulatedKustomization,
  type SimulatorEvent,
  simulatedKustomization,
} from './flux/flux-simulator.js';
export {
  type AutomationPass,
  ImageAutomation,
  type ImageAutomationOptions,
  satisfies,
  selectTag,
  type TagPolicy,
  tagPolicy,
} from './flux/image-automation.js';
export {
  buildKustomization,
  ManifestError,
  objectId,
  SUBSTITUTE_ANNOTATION,
  substitute,
} from './flux/manifests.js';
export { type Delivery, eventBytes, type FluxEventBody, ProviderNotifier } from './flux/notifier.js';
export { seedRepository } from './flux/seed.js';
export {
  DEFAULT_TIMINGS,
  type ImageBehaviour,
  type RolloutStatus,
  type RolloutTimings,
  Workloads,
} from './flux/workloads.js';
export {
  COMPARE_COMMIT_CAP,
  FakeGitHub,
  type FakeGitHubOptions,
  type Fault as GitHubFault,
  type RecordedRequest,
} from './github/fake-github.js';
export {
  type CommitSpec,
  type FileSpec,
  GitRepo,
} from './github/git-repo.js';
export {
  makeTestPki,
  type TestPki,
} from './kube-api/certs.js';
export {
  FakeKubeApi,
  type Fault as KubeFault,
  type KubeObject,
  type ProxyAnswer,
  type ResourceInfo,
  type SeenRequest,
  type Stall as KubeStall,
  type WriteEvent,
} from './kube-api/fake-kube-api.js';
export { type FakeKubeApiProcess, startFakeKubeApiProcess } from './kube-api/fake-kube-api-process.js';
export {
  type AppOptions,
  type AppState,
  app,
  type DaemonSetOptions,
  daemonSet,
  gitRepository,
  type HelmReleaseOptions,
  type HelmReleaseState,
  helmRelease,
  kustomization,
  PREVIOUS_REVISION,
  REVISION,
  type StatefulSetOptions,
  statefulSet,
} from './kube-api/objects.js';
export {
  FakeSlack,
  type FakeSlackCall,
  type FakeSlackChannel,
  type FakeSlackFault,
  type FakeSlackMessage,
  type FakeSlackOptions,
  type FakeWebhookPost,
} from './slack/fake-slack.js';
export {
  type DeadLetter,
  InProcessDelayQueue,
  InProcessFifoQueue,
  MAX_RECEIVES,
} from './story/queues.js';
export {
  invariantProblems,
  runStory,
  SIMULATED_CLUSTER,
  type SimulationOptions,
  type SimulationRun,
  type SimulationWorld,
  type Story,
  type StoryCheck,
} from './story/simulation.js';
export { DEFAULT_STORY, STORIES } from './story/stories.js';
export { type Actor, clockText, type StepKind, Timeline, type TimelineStep } from './story/timeline.js';
