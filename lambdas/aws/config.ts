/**
 * Reading a function's environment: one error type and a few parsers, so every function's
 * `config.ts` fails the same way, at init, naming the variable.
 *
 * @module
 */

/** The environment is missing a variable or holds a wrong value; the message names the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** The environment a function reads: the process environment in Lambda, a plain object in tests and the CLI. */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * The trimmed value of `name`.
 *
 * @example requiredEnv({ QUEUE_URL: ' https://sqs… ' }, 'QUEUE_URL') // 'https://sqs…'
 * @throws {ConfigError} when the variable is unset or blank
 */
export function requiredEnv(env: Environment, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(`${name} is not set`);
  return value;
}

/** The trimmed value of `name`, or `undefined` when it is unset or blank. */
export function optionalEnv(env: Environment, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/**
 * A whole number from `name`, or `fallback` when unset.
 *
 * @example integerEnv({ CONFIRM_CHECKS: '3' }, 'CONFIRM_CHECKS', { fallback: 3, min: 1, max: 10 }) // 3
 * @throws {ConfigError} when the value is not a whole number within `[min, max]`
 */
export function integerEnv(
  env: Environment,
  name: string,
  { fallback, min = 0, max = Number.MAX_SAFE_INTEGER }: { fallback: number; min?: number; max?: number },
): number {
  const raw = optionalEnv(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/**
 * `true` or `false` from `name` (case-insensitive), or `fallback` when unset.
 *
 * @throws {ConfigError} for any other value
 */
export function booleanEnv(env: Environment, name: string, fallback: boolean): boolean {
  const raw = optionalEnv(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

/**
 * One of `allowed` from `name`, or `fallback` when unset.
 *
 * @example choiceEnv({ DEFAULT_MODE: 'revert' }, 'DEFAULT_MODE', ['revert', 'alert-only'], 'alert-only') // 'revert'
 * @throws {ConfigError} for any other value
 */
export function choiceEnv<T extends string>(
  env: Environment,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const raw = optionalEnv(env, name);
  if (raw === undefined) return fallback;
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
}
