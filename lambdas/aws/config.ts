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

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * An absolute `https` URL from `name` (plain `http` only on this machine: 127.0.0.1, localhost,
 * ::1, for local stand-ins), never with credentials in it, or `undefined` when unset.
 *
 * @example optionalUrlEnv({ GITHUB_API_URL: 'https://ghe.example.com/api/v3' }, 'GITHUB_API_URL')
 * @throws {ConfigError} for anything else
 */
export function optionalUrlEnv(env: Environment, name: string): string | undefined {
  const raw = optionalEnv(env, name);
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be an https URL, got "${raw}"`);
  }
  const local = url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
  if (url.protocol !== 'https:' && !local) {
    throw new ConfigError(`${name} must be an https URL, got "${url.protocol}//${url.host}"`);
  }
  if (url.username || url.password) throw new ConfigError(`${name} must not carry credentials`);
  return raw;
}

/**
 * Like {@link optionalUrlEnv}, for a variable that must be set.
 *
 * @throws {ConfigError} when unset, blank or not such a URL
 */
export function urlEnv(env: Environment, name: string): string {
  const value = optionalUrlEnv(env, name);
  if (value === undefined) throw new ConfigError(`${name} is not set`);
  return value;
}

/** What {@link arnEnv} accepts: the ARN's service and the resource type it starts with. */
export interface ArnShape {
  /** e.g. `sns`, `secretsmanager` */
  service: string;
  /** e.g. `secret:` for Secrets Manager; absent: any resource */
  resourcePrefix?: string;
  /** How the error names what was expected, e.g. `an SNS topic ARN`. */
  description: string;
}

/**
 * The ARN in `name`, checked for its service and resource type (partition, region and account
 * must be present).
 *
 * @example arnEnv(env, 'ALERT_TOPIC_ARN', { service: 'sns', description: 'an SNS topic ARN' })
 * @throws {ConfigError} when unset, blank or another kind of ARN
 */
export function arnEnv(env: Environment, name: string, shape: ArnShape): string {
  const value = requiredEnv(env, name);
  const [arn, partition, service, region, account, ...rest] = value.split(':');
  const resource = rest.join(':');
  const valid =
    arn === 'arn' &&
    /^aws(-[a-z]+)*$/.test(partition ?? '') &&
    service === shape.service &&
    /^[a-z]{2}(-[a-z]+)+-\d+$/.test(region ?? '') &&
    /^\d{12}$/.test(account ?? '') &&
    resource.length > (shape.resourcePrefix?.length ?? 0) &&
    resource.startsWith(shape.resourcePrefix ?? '');
  if (!valid) throw new ConfigError(`${name} must be ${shape.description}, got "${value}"`);
  return value;
}

/**
 * An AWS region name from `name` (`eu-central-1`, `us-gov-west-1`), or `undefined` when unset.
 *
 * @throws {ConfigError} for anything else
 */
export function optionalRegionEnv(env: Environment, name: string): string | undefined {
  const value = optionalEnv(env, name);
  if (value !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(value)) {
    throw new ConfigError(`${name} must be an AWS region name such as eu-central-1, got "${value}"`);
  }
  return value;
}
