import { parseArgs } from 'node:util';
import { type Command, type CommandIO, ExitCode, UsageError } from './command.js';
import { commands as registered } from './commands/index.js';

const processIO: CommandIO = {
  stdout: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  stderr: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  env: process.env,
};

function globalHelp(commands: readonly Command[], prefix = ''): string {
  const shown = commands.filter((c) => c.name.startsWith(prefix));
  const width = Math.max(...shown.map((c) => c.name.length));
  const lines = shown.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    `Usage: fluxguard ${prefix ? `${prefix.trim()} ` : ''}<command> [options]`,
    '',
    'Commands:',
    ...lines,
    '',
    'Run `fluxguard <command> --help` for a command. Exit codes: docs/CLI.md.',
  ].join('\n');
}

function commandHelp(command: Command): string {
  return [
    `Usage: ${command.usage}`,
    '',
    command.summary,
    ...(command.details ? ['', command.details] : []),
  ].join('\n');
}

/** Finds the command whose name is the longest prefix of `argv`. */
function resolve(commands: readonly Command[], argv: string[]): { command?: Command; rest: string[] } {
  let best: Command | undefined;
  for (const command of commands) {
    const words = command.name.split(' ');
    if (words.every((w, i) => argv[i] === w) && words.length > (best?.name.split(' ').length ?? 0)) {
      best = command;
    }
  }
  return { command: best, rest: best ? argv.slice(best.name.split(' ').length) : argv };
}

/**
 * Runs the `fluxguard` CLI and returns its exit code. Never throws.
 *
 * @param argv arguments after the program name
 * @param io where to write; defaults to the process streams and environment
 * @param commands the command table; defaults to every registered command
 */
export async function main(
  argv: string[],
  io: CommandIO = processIO,
  commands: readonly Command[] = registered,
): Promise<number> {
  const { command, rest } = resolve(commands, argv);
  if (!command) {
    const wantsHelp = argv.includes('--help') || argv.includes('-h');
    const group = argv.filter((a) => !a.startsWith('-')).join(' ');
    const isGroup = group !== '' && commands.some((c) => c.name.startsWith(`${group} `));
    if (wantsHelp || argv.length === 0) {
      (wantsHelp ? io.stdout : io.stderr)(globalHelp(commands, isGroup ? `${group} ` : ''));
      return wantsHelp ? ExitCode.ok : ExitCode.usage;
    }
    io.stderr(
      isGroup
        ? globalHelp(commands, `${group} `)
        : `error: unknown command "${argv.join(' ')}"\n\n${globalHelp(commands)}`,
    );
    return ExitCode.usage;
  }

  try {
    const { values, positionals } = parseArgs({
      args: rest,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      io.stdout(commandHelp(command));
      return ExitCode.ok;
    }
    return await command.run(values, positionals, io);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`error: ${(error as Error).message}\n\n${commandHelp(command)}`);
      return ExitCode.usage;
    }
    io.stderr(`error: ${(error as Error).message ?? String(error)}`);
    return ExitCode.internal;
  }
}
