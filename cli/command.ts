import { readFile } from 'node:fs/promises';
import type { ParseArgsOptionsConfig } from 'node:util';

/**
 * Exit codes shared by every `fluxguard` command (documented in docs/CLI.md).
 */
export const ExitCode = {
  /** The command did what was asked; for a check, the check passed. */
  ok: 0,
  /** A check ran and failed (e.g. `validate` found a failing rollout), or the action failed. */
  failed: 1,
  /** A check could not decide (e.g. `validate` was inconclusive). */
  inconclusive: 2,
  /** The command line was wrong: unknown command, unknown option, missing argument. */
  usage: 64,
  /** Something outside fluxguard was unavailable (AWS, the cluster, GitHub). */
  unavailable: 69,
  /** A bug: an unexpected error inside fluxguard. */
  internal: 70,
} as const;

/** Parsed option values, as `node:util` `parseArgs` returns them. */
export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** Where a command writes and what it reads from its surroundings; tests pass their own. */
export interface CommandIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

/** One `fluxguard` sub-command. */
export interface Command {
  /** The words that select the command, e.g. `webhook serve`. */
  name: string;
  /** One line for the command list. */
  summary: string;
  /** The synopsis, e.g. `fluxguard webhook sign <file> --key <token>`. */
  usage: string;
  /** Longer help: options, environment, exit codes. */
  details?: string;
  /** Options for `parseArgs`; `--help` is added to every command. */
  options: ParseArgsOptionsConfig;
  run(values: OptionValues, positionals: string[], io: CommandIO): Promise<number>;
}

/** The command line was wrong; `main` prints the message with the usage and exits 64. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Reads a string option, or throws a {@link UsageError} naming it when it is required and absent. */
export function stringOption(values: OptionValues, name: string, required: true): string;
export function stringOption(values: OptionValues, name: string, required?: false): string | undefined;
export function stringOption(values: OptionValues, name: string, required = false): string | undefined {
  const value = values[name];
  if (value === undefined) {
    if (required) throw new UsageError(`missing required option --${name}`);
    return undefined;
  }
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} needs a value`);
  return value;
}

/** Reads an integer option within `[min, max]`, or throws a {@link UsageError}. */
export function integerOption(
  values: OptionValues,
  name: string,
  fallback: number,
  { min = 0, max = Number.MAX_SAFE_INTEGER }: { min?: number; max?: number } = {},
): number {
  const raw = stringOption(values, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new UsageError(`--${name} must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max)
    throw new UsageError(`--${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

/** Reads the HMAC key from `--key` or `--key-file` (untrimmed, as Flux reads `token`). */
export async function keyOption(values: OptionValues): Promise<string | undefined> {
  const key = stringOption(values, 'key');
  const file = stringOption(values, 'key-file');
  if (key !== undefined && file !== undefined) throw new UsageError('give --key or --key-file, not both');
  if (file !== undefined) {
    const value = await readFile(file, 'utf8');
    if (value === '') throw new UsageError(`--key-file ${file} is empty`);
    return value;
  }
  return key;
}
