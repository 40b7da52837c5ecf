import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ResourceInUseException,
  type TableDescription,
  type TimeToLiveDescription,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { optionalEnv } from '../../lambdas/aws/index.js';
import { stateTableDefinition, TTL_ATTRIBUTE } from '../../lambdas/incident-response/index.js';
import { type Command, ExitCode, stringOption, UsageError } from '../command.js';
import { unavailableReason } from '../unavailable.js';

/** How `fluxguard state init` waits for a table DynamoDB is still creating. */
export interface StateInitOptions {
  /** The longest wait for the table to become ACTIVE (default 120 s). */
  timeoutMs?: number;
  /** Between two DescribeTable calls (default 1 s). */
  pollMs?: number;
}

/** The table stayed CREATING (or UPDATING) past the wait. */
class TableNotActiveError extends Error {
  override name = 'TableNotActiveError';
}

const keys = (table: Pick<TableDescription, 'KeySchema'>) =>
  [...(table.KeySchema ?? [])]
    .sort((a, b) => (a.KeyType === b.KeyType ? 0 : a.KeyType === 'HASH' ? -1 : 1))
    .map((k) => `${k.AttributeName} (${k.KeyType})`)
    .join(', ') || 'none';

const attributes = (table: Pick<TableDescription, 'AttributeDefinitions'>) =>
  [...(table.AttributeDefinitions ?? [])]
    .map((a) => `${a.AttributeName} ${a.AttributeType}`)
    .sort()
    .join(', ') || 'none';

/** The TTL attribute an existing table has on (or turning on), else undefined. */
const ttlAttribute = (ttl: TimeToLiveDescription | undefined) =>
  ttl?.TimeToLiveStatus === 'ENABLED' || ttl?.TimeToLiveStatus === 'ENABLING' ? ttl.AttributeName : undefined;

/**
 * How an existing table differs from the one the guard stack deploys ({@link stateTableDefinition},
 * TTL on {@link TTL_ATTRIBUTE}): its key schema, its attribute definitions, TTL on another attribute.
 * TTL not enabled is no difference: `state init` enables it.
 */
export function stateTableDifferences(
  table: TableDescription,
  ttl: TimeToLiveDescription | undefined,
): string[] {
  const deployed = stateTableDefinition(table.TableName ?? '');
  const differences: string[] = [];
  if (keys(table) !== keys(deployed))
    differences.push(`key schema: ${keys(table)}; the stack deploys ${keys(deployed)}`);
  if (attributes(table) !== attributes(deployed))
    differences.push(
      `attribute definitions: ${attributes(table)}; the stack deploys ${attributes(deployed)}`,
    );
  const attribute = ttlAttribute(ttl);
  if (attribute !== undefined && attribute !== TTL_ATTRIBUTE)
    differences.push(`TTL attribute: ${attribute}; the stack deploys ${TTL_ATTRIBUTE}`);
  return differences;
}

/** Builds `fluxguard state init`; tests shorten its wait. */
export function makeStateInitCommand({
  timeoutMs = 120_000,
  pollMs = 1_000,
}: StateInitOptions = {}): Command {
  /** The table's description once ACTIVE, or a {@link TableNotActiveError} after `timeoutMs`. */
  async function whenActive(client: DynamoDBClient, table: string): Promise<TableDescription> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: table }));
      if (Table?.TableStatus === 'ACTIVE') return Table;
      if (Date.now() >= deadline) {
        throw new TableNotActiveError(
          `table ${table} is still ${Table?.TableStatus ?? 'unknown'} after ${timeoutMs / 1000} s; run fluxguard state init again later`,
        );
      }
      await new Promise((resolve) =>
        setTimeout(resolve, Math.min(pollMs, Math.max(0, deadline - Date.now()))),
      );
    }
  }

  /** The table's TTL, or undefined where the endpoint does not implement DescribeTimeToLive. */
  async function describeTtl(
    client: DynamoDBClient,
    table: string,
  ): Promise<TimeToLiveDescription | undefined> {
    try {
      const { TimeToLiveDescription } = await client.send(
        new DescribeTimeToLiveCommand({ TableName: table }),
      );
      return TimeToLiveDescription;
    } catch (error) {
      if ((error as Error).name === 'UnknownOperationException') return undefined;
      throw error;
    }
  }

  return {
    name: 'state init',
    summary: 'Create the state table with the schema the guard stack deploys; running it twice is harmless.',
    usage: 'fluxguard state init [--table <name>]',
    details: [
      'Creates pk (HASH) and sk (RANGE), both strings, on-demand, then waits until the table is ACTIVE',
      `and enables TTL on ${TTL_ATTRIBUTE}, at the endpoint the AWS SDK resolves (AWS_ENDPOINT_URL for`,
      'DynamoDB Local, dynalite or any compatible service). An existing table is compared with that',
      'schema (keys, attribute definitions, TTL attribute) and its TTL enabled when off.',
      'Options:',
      '  --table <name>  default STATE_TABLE_NAME',
      'Exit codes: 0 created, or already there with the same schema; 1 the existing table has another',
      '  schema (each difference printed), or TTL could not be enabled; 64 usage; 69 DynamoDB unavailable',
      `  (or the table not ACTIVE within ${timeoutMs / 1000} s).`,
    ].join('\n'),
    options: { table: { type: 'string' } },
    async run(values, positionals, io) {
      if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
      const table = stringOption(values, 'table') ?? optionalEnv(io.env, 'STATE_TABLE_NAME');
      if (!table) throw new UsageError('no table: pass --table or set STATE_TABLE_NAME');
      const client = new DynamoDBClient({});
      try {
        let created = true;
        try {
          await client.send(new CreateTableCommand(stateTableDefinition(table)));
        } catch (error) {
          if (!(error instanceof ResourceInUseException)) throw error;
          created = false;
        }
        const description = await whenActive(client, table);
        const ttl = created ? undefined : await describeTtl(client, table);
        if (created) {
          io.stdout(`created table ${table} (pk, sk; on-demand)`);
        } else {
          const differences = stateTableDifferences(description, ttl);
          if (differences.length > 0) {
            io.stderr(`error: table ${table} already exists with another schema than the stack deploys:`);
            for (const difference of differences) io.stderr(`  ${difference}`);
            return ExitCode.failed;
          }
          io.stdout(`table ${table} already exists, schema matches`);
        }
        if (ttlAttribute(ttl) === TTL_ATTRIBUTE) {
          io.stdout(`TTL on ${TTL_ATTRIBUTE} (already)`);
          return ExitCode.ok;
        }
        try {
          await client.send(
            new UpdateTimeToLiveCommand({
              TableName: table,
              TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
            }),
          );
          io.stdout(`TTL on ${TTL_ATTRIBUTE}`);
        } catch (error) {
          const { name, message } = error as Error;
          if (name === 'UnknownOperationException') {
            // dynalite: no TTL settings at all. There is nothing to enable, and nothing expires there.
            io.stderr(
              `note: this endpoint does not implement TTL (UpdateTimeToLive: ${name}); items will not expire in it`,
            );
            return ExitCode.ok;
          }
          io.stderr(
            `error: TTL on ${TTL_ATTRIBUTE} could not be enabled for table ${table}: ${name}: ${message}`,
          );
          return ExitCode.failed;
        }
        return ExitCode.ok;
      } catch (error) {
        if (error instanceof TableNotActiveError) {
          io.stderr(`error: ${error.message}`);
          return ExitCode.unavailable;
        }
        const reason = unavailableReason(error);
        io.stderr(`error: unavailable: ${reason ?? `${(error as Error).name}: ${(error as Error).message}`}`);
        return ExitCode.unavailable;
      } finally {
        client.destroy();
      }
    },
  };
}

/** `fluxguard state init`. */
export const stateInitCommand: Command = makeStateInitCommand();
