import type { Service } from '../kube-objects.js';
import type { HttpOutcome } from '../kube-reader.js';
import { type Workload, workloadName } from './rollout.js';
import type { Evidence, Observation } from './types.js';

/** The annotations that opt a workload into HTTP health checks (see docs/VALIDATION.md). */
export const HEALTH_ANNOTATIONS = {
  /** Path to GET through the API server's service proxy, e.g. `/health`. Required to probe. */
  path: 'fluxguard.io/health-path',
  /** Service port name or number; default: the Service's first port. */
  port: 'fluxguard.io/health-port',
  /** Service name; default: the Service in the namespace whose selector matches the pod labels. */
  service: 'fluxguard.io/health-service',
  /** The app's public URL, probed directly as well. Optional. */
  url: 'fluxguard.io/health-url',
} as const;

/** One HTTP check to make. */
export type HealthTarget =
  | { via: 'proxy'; object: string; namespace: string; service: string; port: string; path: string }
  | { via: 'url'; object: string; url: string };

function annotation(workload: Workload, key: string): string | undefined {
  const value =
    workload.object.metadata?.annotations?.[key] ??
    workload.object.spec?.template?.metadata?.annotations?.[key];
  return value?.trim() || undefined;
}

function selects(service: Service, labels: Record<string, string>): boolean {
  const selector = service.spec?.selector;
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/**
 * The HTTP checks a workload asks for through its annotations, or an `inconclusive` observation when
 * the annotations cannot be resolved (no matching Service or port): a configuration problem, not
 * evidence that the app is broken.
 */
export function healthTargets(
  workload: Workload,
  services: readonly Service[],
): { targets: HealthTarget[]; problem?: Observation } {
  const object = workloadName(workload);
  const targets: HealthTarget[] = [];
  const url = annotation(workload, HEALTH_ANNOTATIONS.url);
  if (url) targets.push({ via: 'url', object, url });
  const path = annotation(workload, HEALTH_ANNOTATIONS.path);
  if (!path) return { targets };
  const namespace = workload.object.metadata?.namespace ?? 'default';
  const wantedService = annotation(workload, HEALTH_ANNOTATIONS.service);
  const podLabels = workload.object.spec?.template?.metadata?.labels ?? {};
  const service = wantedService
    ? services.find((s) => s.metadata?.name === wantedService)
    : services.find((s) => selects(s, podLabels));
  const problem = (field: string, value: string): { targets: HealthTarget[]; problem: Observation } => ({
    targets,
    problem: { state: 'inconclusive', evidence: [{ object, field, value }] },
  });
  if (!service?.metadata?.name) {
    return wantedService
      ? problem(`annotations[${HEALTH_ANNOTATIONS.service}]`, `no Service ${namespace}/${wantedService}`)
      : problem(`annotations[${HEALTH_ANNOTATIONS.path}]`, `no Service in ${namespace} selects the pods`);
  }
  const wantedPort = annotation(workload, HEALTH_ANNOTATIONS.port);
  const ports = service.spec?.ports ?? [];
  const port = wantedPort
    ? (ports.find((p) => p.name === wantedPort || String(p.port) === wantedPort) ??
      ports.find((p) => String(p.targetPort) === wantedPort))
    : ports[0];
  if (!port) {
    return problem(
      `annotations[${HEALTH_ANNOTATIONS.port}]`,
      `Service ${namespace}/${service.metadata.name} has no port ${wantedPort ?? '(none declared)'}`,
    );
  }
  targets.push({
    via: 'proxy',
    object,
    namespace,
    service: service.metadata.name,
    port: port.name ?? String(port.port),
    path: path.startsWith('/') ? path : `/${path}`,
  });
  return { targets };
}

/** Where a target is, for evidence. */
export function targetLabel(target: HealthTarget): string {
  return target.via === 'url'
    ? `GET ${target.url}`
    : `GET /api/v1/namespaces/${target.namespace}/services/${target.service}:${target.port}/proxy${target.path}`;
}

/**
 * Layer 3, one HTTP check's result: 2xx passes; another status from the app, or no answer within the
 * probe timeout, fails. When the API server itself answers (a `Status` object): 401/403 (fluxguard's
 * RBAC lacks `services/proxy`) and other API errors are `inconclusive`, except "no endpoints
 * available", which means no pod is ready to serve and fails. A network error reaching the API
 * server (or the public URL) is `inconclusive`.
 */
export function assessProbe(target: HealthTarget, outcome: HttpOutcome, timeoutMs: number): Observation {
  const evidence = (value: string): Evidence[] => [
    { object: target.object, field: targetLabel(target), value },
  ];
  if (outcome.kind === 'timeout') {
    return { state: 'fail', evidence: evidence(`no answer within ${timeoutMs} ms`) };
  }
  if (outcome.kind === 'error')
    return { state: 'inconclusive', evidence: evidence(`request failed: ${outcome.message}`) };
  const { status, apiStatus } = outcome;
  if (status >= 200 && status < 300)
    return { state: 'pass', evidence: evidence(`HTTP ${status} in ${outcome.elapsedMs} ms`) };
  if (apiStatus) {
    const said = `API server HTTP ${status} ${apiStatus.reason ?? ''}: ${apiStatus.message ?? ''}`.replace(
      /\s+:/,
      ':',
    );
    if (status === 503 && /no endpoints available/i.test(apiStatus.message ?? '')) {
      return { state: 'fail', evidence: evidence(said) };
    }
    return { state: 'inconclusive', evidence: evidence(said) };
  }
  const body = outcome.body.replace(/\s+/g, ' ').trim().slice(0, 120);
  return { state: 'fail', evidence: evidence(`HTTP ${status}${body ? `: ${body}` : ''}`) };
}
