import type { Service } from '../kube-objects.js';
import type { HttpOutcome } from '../kube-reader.js';
import { type Evidence, type Observation, type Workload, workloadName } from './types.js';

/** The annotations that opt a workload into HTTP health checks (see docs/VALIDATION.md). */
export const HEALTH_ANNOTATIONS = {
  /** Path to GET through the API server's service proxy, e.g. `/health`. Required to probe. */
  path: 'fluxguard.io/health-path',
  /** Service port name or number; default: the Service's first port. */
  port: 'fluxguard.io/health-port',
  /** Service name; default: the Service in the namespace whose selector matches the pod labels. */
  service: 'fluxguard.io/health-service',
  /** The app's public `https:` URL, probed directly as well (public addresses only, by default). Optional. */
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
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
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
    ? services.find((service) => service.metadata?.name === wantedService)
    : services.find((service) => selects(service, podLabels));
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
    ? (ports.find((candidate) => candidate.name === wantedPort || String(candidate.port) === wantedPort) ??
      ports.find((candidate) => String(candidate.targetPort) === wantedPort))
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

/** Answers from the public URL that are about the guard, not the app: auth walls, WAFs, rate limits. */
const GUARD_REFUSED: ReadonlySet<number> = new Set([401, 403, 407, 429]);

/**
 * A proxy probe's timeout counts against the app only when the API server answered this check's
 * lists within this fraction of the probe timeout; a slower API server may be the one that was slow.
 */
export const RESPONSIVE_API_FRACTION = 0.25;

/** What else a probe's verdict depends on. */
export interface ProbeContext {
  /** The probe timeout, in ms. */
  timeoutMs: number;
  /** How long the API server took to answer this check's lists in the probed namespace, in ms. */
  apiLatencyMs?: number;
}

function assessProxyAnswer(
  outcome: Extract<HttpOutcome, { kind: 'response' }>,
  evidence: (value: string) => Evidence[],
): Observation {
  const { status, apiStatus } = outcome;
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

/**
 * Layer 3, one HTTP check's result. 2xx passes.
 *
 * Through the service proxy: another status from the app fails. A timeout fails only when the API
 * server answered the check's lists within {@link RESPONSIVE_API_FRACTION} of the probe timeout;
 * otherwise the API server may be the slow one, and it is `inconclusive`. When the API server itself
 * answers (a `Status` object): "no endpoints available" fails (no pod is ready to serve), anything
 * else (401/403: fluxguard's RBAC lacks `services/proxy`; other API errors) is `inconclusive`.
 *
 * The public URL: 5xx and 4xx fail, except 401, 403, 407 and 429 (an auth wall, a WAF or a rate
 * limit facing the guard) and any 3xx (not followed), which are `inconclusive`; its body never goes
 * into the evidence. A timeout, a network error, or a URL that may not be probed is `inconclusive`.
 */
export function assessProbe(target: HealthTarget, outcome: HttpOutcome, context: ProbeContext): Observation {
  const evidence = (value: string): Evidence[] => [
    { object: target.object, field: targetLabel(target), value },
  ];
  const { timeoutMs, apiLatencyMs } = context;
  switch (outcome.kind) {
    case 'refused':
      return { state: 'inconclusive', evidence: evidence(`not probed: ${outcome.message}`) };
    case 'error':
      return { state: 'inconclusive', evidence: evidence(`request failed: ${outcome.message}`) };
    case 'timeout': {
      const late = `no answer within ${timeoutMs} ms`;
      if (target.via === 'url') {
        return {
          state: 'inconclusive',
          evidence: evidence(`${late} (the guard's own network path may be the cause)`),
        };
      }
      const responsive = apiLatencyMs !== undefined && apiLatencyMs <= timeoutMs * RESPONSIVE_API_FRACTION;
      if (responsive)
        return {
          state: 'fail',
          evidence: evidence(`${late} (the API server answered its lists in ${apiLatencyMs} ms)`),
        };
      const took = apiLatencyMs === undefined ? 'an unknown time' : `${apiLatencyMs} ms`;
      return {
        state: 'inconclusive',
        evidence: evidence(
          `${late}; the API server took ${took} to answer its lists, so it may be the slow one`,
        ),
      };
    }
    case 'response':
      break;
  }
  const { status } = outcome;
  if (status >= 200 && status < 300) {
    return { state: 'pass', evidence: evidence(`HTTP ${status} in ${outcome.elapsedMs} ms`) };
  }
  if (target.via === 'proxy') return assessProxyAnswer(outcome, evidence);
  if ((status >= 300 && status < 400) || GUARD_REFUSED.has(status)) {
    return {
      state: 'inconclusive',
      evidence: evidence(`HTTP ${status}: an answer to the guard, not about the app`),
    };
  }
  return { state: 'fail', evidence: evidence(`HTTP ${status}`) };
}
