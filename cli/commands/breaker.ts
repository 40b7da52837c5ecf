import { ConfigError, optionalEnv } from '../../lambdas/aws/index.js';
import { parseTargetLabel, StateStoreError, targetLabel } from '../../lambdas/incident-response/index.js';
import { type Command, ExitCode, stringOption, UsageError } from '../command.js';
import { stateStoreFromEnvironment } from './replay.js';

/** `fluxguard breaker reset`. */
export const breakerResetCommand: Command = {
  name: 'breaker reset',
  summary: 'Close an object’s circuit breaker: automatic reverts resume, counted afresh.',
  usage: 'fluxguard breaker reset <Kind>/<namespace>/<name> [--cluster <name>]',
  details: [
    'Arguments:',
    '  <Kind>/<namespace>/<name>  Kustomization (ks) or HelmRelease (hr), e.g. Kustomization/flux-system/apps',
    'Options:',
    '  --cluster <name>  the cluster the object is in (default CLUSTER_NAME)',
    'Reads the state table STATE_TABLE_NAME. Exit codes: 0 reset, 64 usage, 69 the table is unavailable.',
  ].join('\n'),
  options: { cluster: { type: 'string' } },
  async run(values, positionals, io) {
    const [text, ...extra] = positionals;
    if (!text || extra.length > 0) throw new UsageError('expected one <Kind>/<namespace>/<name>');
    const target = parseTargetLabel(text);
    if (!target)
      throw new UsageError(
        `expected Kustomization/<namespace>/<name> or HelmRelease/<namespace>/<name>, got "${text}"`,
      );
    const cluster = stringOption(values, 'cluster') ?? optionalEnv(io.env, 'CLUSTER_NAME');
    if (!cluster) throw new UsageError('no cluster: pass --cluster or set CLUSTER_NAME');
    try {
      const store = await stateStoreFromEnvironment(io.env);
      await store.resetBreaker({ cluster, ...target }, new Date());
      io.stdout(`breaker reset for ${cluster}/${targetLabel(target)}: automatic reverts resume`);
      return ExitCode.ok;
    } catch (error) {
      if (error instanceof ConfigError) throw new UsageError(error.message);
      if (error instanceof StateStoreError) {
        io.stderr(`error: ${error.message}`);
        return ExitCode.unavailable;
      }
      throw error;
    }
  },
};
