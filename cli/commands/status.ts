import { ConfigError } from '../../lambdas/aws/index.js';
import { StateStoreError, type StateSummary } from '../../lambdas/incident-response/index.js';
import { type Command, ExitCode, integerOption, UsageError } from '../command.js';
import { stateStoreFromEnvironment } from './replay.js';

/** The summary as text: open incidents, last known good per object, breakers, pending reverts, recent decisions. */
export function formatStatus(summary: StateSummary): string {
  const lines: string[] = ['Open incidents:'];
  if (summary.openIncidents.length === 0) lines.push('  none');
  for (const i of summary.openIncidents) {
    const o = i.object;
    const links = i.actions.filter((a) => a.url).map((a) => a.url);
    lines.push(
      `  ${i.id} ${o.cluster}/${o.kind}/${o.namespace}/${o.name} ${i.state} at ${i.revision} since ${i.openedAt}${links.length > 0 ? ` ${links.join(' ')}` : ''}`,
    );
  }
  lines.push('Last known good:');
  if (summary.lastKnownGood.length === 0) lines.push('  none');
  for (const g of summary.lastKnownGood)
    lines.push(`  ${g.object} ${g.lastKnownGood.revision} (${g.lastKnownGood.at})`);
  lines.push('Circuit breakers:');
  const open = summary.breakers.filter((b) => b.open);
  if (open.length === 0) lines.push('  all closed');
  for (const b of open) lines.push(`  OPEN ${b.object} since ${b.at}: ${b.reason ?? ''}`);
  if (summary.pendingReverts.length > 0) {
    lines.push('Pending reverts (ledger):');
    for (const p of summary.pendingReverts)
      lines.push(`  ${p.repository} ${p.sha} for ${p.incidentId} since ${p.at}`);
  }
  lines.push('Recent decisions:');
  if (summary.recentDecisions.length === 0) lines.push('  none');
  for (const d of summary.recentDecisions) {
    lines.push(
      `  ${d.at} ${d.object} ${d.trigger} → ${d.action} (${d.reason})${d.revision ? ` ${d.revision}` : ''}`,
    );
  }
  return lines.join('\n');
}

/** `fluxguard status`. */
export const statusCommand: Command = {
  name: 'status',
  summary: 'Show open incidents, last known good revisions, circuit breakers and recent decisions.',
  usage: 'fluxguard status [--json] [--decisions N]',
  details: [
    'Reads the state table STATE_TABLE_NAME at the endpoint the AWS SDK resolves (AWS_ENDPOINT_URL for a local one).',
    'Options:',
    '  --json          print the summary as JSON',
    '  --decisions N   how many recent decisions to show (default 20)',
    'Exit codes: 0, 64 usage, 69 the table is unavailable.',
  ].join('\n'),
  options: { json: { type: 'boolean' }, decisions: { type: 'string' } },
  async run(values, positionals, io) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const limit = integerOption(values, 'decisions', 20, { min: 0, max: 1000 });
    try {
      const store = await stateStoreFromEnvironment(io.env);
      const summary = await store.summary(limit);
      io.stdout(values.json ? JSON.stringify(summary, null, 2) : formatStatus(summary));
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
