import {
  CreateTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { optionalEnv } from '../../lambdas/aws/index.js';
import { stateTableDefinition, TTL_ATTRIBUTE } from '../../lambdas/incident-response/index.js';
import { type Command, ExitCode, stringOption, UsageError } from '../command.js';

/** `fluxguard state init`. */
export const stateInitCommand: Command = {
  name: 'state init',
  summary: 'Create the state table with the schema the guard stack deploys; running it twice is harmless.',
  usage: 'fluxguard state init [--table <name>]',
  details: [
    'Creates pk/sk (strings), on-demand, TTL on expiresAt, at the endpoint the AWS SDK resolves',
    '(AWS_ENDPOINT_URL for DynamoDB Local, dynalite or any compatible service).',
    'Options:',
    '  --table <name>  default STATE_TABLE_NAME',
    'Exit codes: 0 created or already there, 64 usage, 69 DynamoDB unavailable.',
  ].join('\n'),
  options: { table: { type: 'string' } },
  async run(values, positionals, io) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const table = stringOption(values, 'table') ?? optionalEnv(io.env, 'STATE_TABLE_NAME');
    if (!table) throw new UsageError('no table: pass --table or set STATE_TABLE_NAME');
    const client = new DynamoDBClient({});
    try {
      try {
        await client.send(new CreateTableCommand(stateTableDefinition(table)));
        io.stdout(`created table ${table} (pk, sk; on-demand)`);
      } catch (error) {
        if (!(error instanceof ResourceInUseException)) throw error;
        io.stdout(`table ${table} already exists`);
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
        const message = (error as Error).message;
        if (/already enabled/i.test(message)) io.stdout(`TTL on ${TTL_ATTRIBUTE} (already)`);
        else io.stderr(`warning: TTL on ${TTL_ATTRIBUTE} not set: ${(error as Error).name}: ${message}`);
      }
      return ExitCode.ok;
    } catch (error) {
      io.stderr(`error: ${(error as Error).name}: ${(error as Error).message}`);
      return ExitCode.unavailable;
    } finally {
      client.destroy();
    }
  },
};
