/**
 * AWS adapters and function configuration shared by every function: Secrets Manager reads with
 * caching, client-side timeouts for every AWS client, and the one ConfigError with the environment
 * parsers each function's config.ts uses.
 *
 * ```ts
 * const queueUrl = requiredEnv(process.env, 'INCIDENT_QUEUE_URL'); // ConfigError names a missing variable
 * const reader = new SecretReader({ client: new SecretsManagerClient({ ...awsClientTimeouts() }) });
 * const token = await reader.read(secretArn);
 * ```
 *
 * @module
 */
export {
  type AwsTimeouts,
  awsClientTimeouts,
  DEFAULT_AWS_TIMEOUTS,
} from './client-timeouts.js';
export {
  type ArnShape,
  arnEnv,
  booleanEnv,
  ConfigError,
  choiceEnv,
  type Environment,
  integerEnv,
  optionalEnv,
  optionalRegionEnv,
  optionalUrlEnv,
  requiredEnv,
  urlEnv,
} from './config.js';
export {
  SecretReadError,
  SecretReader,
  type SecretReaderOptions,
  secretField,
  type VersionStage,
} from './secrets.js';
