import {
  type ClusterConnection,
  ClusterUnavailableError,
  type ConnectOptions,
  connectToCluster,
  DEFAULT_CHECKS,
  DEFAULT_INTERVAL_MS,
  DEFAULT_PROBE_TIMEOUT_MS,
  type FluxTargetKind,
  type ValidationTarget,
  validateRollout,
} from '../../lambdas/cluster/index.js';
import { type Command, ExitCode, integerOption, stringOption, UsageError } from '../command.js';

const KINDS: Record<string, FluxTargetKind> = {
  kustomization: 'Kustomization',
  kustomizations: 'Kustomization',
  ks: 'Kustomization',
  helmrelease: 'HelmRelease',
  helmreleases: 'HelmRelease',
  hr: 'HelmRelease',
};

/** Parses `<kind>/<namespace>/<name>`, e.g. `kustomization/flux-system/apps` or `hr/apps/podinfo`. */
export function parseTarget(text: string): ValidationTarget {
  const parts = text.split('/');
  const kind = KINDS[(parts[0] ?? '').toLowerCase()];
  if (parts.length !== 3 || !parts[1] || !parts[2]) {
    throw new UsageError(`expected <kind>/<namespace>/<name>, got "${text}"`);
  }
  if (!kind) throw new UsageError(`unknown kind "${parts[0]}": use Kustomization (ks) or HelmRelease (hr)`);
  return { kind, namespace: parts[1], name: parts[2] };
}

/** How `fluxguard validate` reaches the cluster; tests pass their own. */
export interface ValidateCommandDeps {
  connect?: (options: ConnectOptions) => Promise<ClusterConnection>;
}

/** Builds `fluxguard validate` with its dependencies. */
export function makeValidateCommand({ connect = connectToCluster }: ValidateCommandDeps = {}): Command {
  return {
    name: 'validate',
    summary: 'Validate a Flux rollout in three layers (rollout status, pods, HTTP health); exit 0/1/2.',
    usage:
      'fluxguard validate <kind>/<namespace>/<name> [--revision <r>] [--checks N] [--interval S] [--json] [--cluster <name> [--region <r>]]',
    details: [
      'Arguments:',
      '  <kind>/<namespace>/<name>  Kustomization (ks) or HelmRelease (hr), e.g. ks/flux-system/apps',
      'Options:',
      '  --revision <r>        the revision to validate (main@sha1:<sha> or a sha); another one is inconclusive',
      `  --checks N            checks that must all fail to confirm a failure (default ${DEFAULT_CHECKS})`,
      `  --interval S          seconds between checks (default ${DEFAULT_INTERVAL_MS / 1000})`,
      `  --probe-timeout MS    HTTP health probe timeout in ms (default ${DEFAULT_PROBE_TIMEOUT_MS})`,
      '  --json                print the machine-readable report instead of the summary',
      '  --cluster <name>      an EKS cluster (DescribeCluster + STS token); default: CLUSTER_NAME, else KUBECONFIG',
      '  --region <r>          the EKS cluster region; default: AWS_REGION',
      'Exit codes: 0 pass, 1 fail, 2 inconclusive, 64 usage, 69 cluster unavailable.',
    ].join('\n'),
    options: {
      revision: { type: 'string' },
      checks: { type: 'string' },
      interval: { type: 'string' },
      'probe-timeout': { type: 'string' },
      json: { type: 'boolean' },
      cluster: { type: 'string' },
      region: { type: 'string' },
    },
    async run(values, positionals, io) {
      if (positionals.length !== 1) throw new UsageError('expected exactly one <kind>/<namespace>/<name>');
      const target = parseTarget(positionals[0] ?? '');
      const checks = integerOption(values, 'checks', DEFAULT_CHECKS, { min: 1, max: 20 });
      const intervalSeconds = integerOption(values, 'interval', DEFAULT_INTERVAL_MS / 1000, { max: 600 });
      const probeTimeoutMs = integerOption(values, 'probe-timeout', DEFAULT_PROBE_TIMEOUT_MS, {
        min: 1,
        max: 60_000,
      });
      const revision = stringOption(values, 'revision');
      const clusterName = stringOption(values, 'cluster') ?? io.env.CLUSTER_NAME;
      const region = stringOption(values, 'region') ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
      const kubeconfig = io.env.KUBECONFIG;
      if (!clusterName && !kubeconfig) {
        io.stderr('error: no cluster configured: set CLUSTER_NAME (EKS) or KUBECONFIG, or pass --cluster');
        return ExitCode.unavailable;
      }
      let connection: ClusterConnection;
      try {
        connection = await connect({
          ...(clusterName ? { clusterName } : {}),
          ...(region ? { region } : {}),
          ...(kubeconfig ? { kubeconfig } : {}),
        });
      } catch (error) {
        if (!(error instanceof ClusterUnavailableError)) throw error;
        io.stderr(`error: ${error.message}`);
        return ExitCode.unavailable;
      }
      try {
        const report = await validateRollout(
          {
            target,
            checks,
            intervalMs: intervalSeconds * 1000,
            probeTimeoutMs,
            ...(revision ? { revision } : {}),
          },
          { reader: connection.reader },
        );
        io.stdout(values.json ? JSON.stringify(report, null, 2) : report.summary);
        return report.verdict === 'pass'
          ? ExitCode.ok
          : report.verdict === 'fail'
            ? ExitCode.failed
            : ExitCode.inconclusive;
      } finally {
        await connection.close();
      }
    },
  };
}

/** `fluxguard validate`, connecting through `CLUSTER_NAME`/`--cluster` or `KUBECONFIG`. */
export const validateCommand: Command = makeValidateCommand();
