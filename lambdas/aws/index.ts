/**
 * AWS adapters shared by every function: Secrets Manager reads with caching.
 *
 * ```ts
 * const reader = new SecretReader({ client: new SecretsManagerClient({}) });
 * const token = await reader.read(process.env.GITHUB_TOKEN_SECRET_ARN);
 * ```
 *
 * @module
 */
export {
  SecretReadError,
  SecretReader,
  type SecretReaderOptions,
  secretField,
  type VersionStage,
} from './secrets.js';
