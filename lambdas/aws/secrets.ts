import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { awsClientTimeouts } from './client-timeouts.js';

/** A Secrets Manager staging label that fluxguard reads. */
export type VersionStage = 'AWSCURRENT' | 'AWSPREVIOUS';

/** A secret could not be read, or its value is unusable; the message names the secret and why. */
export class SecretReadError extends Error {
  override name = 'SecretReadError';
}

/** Options for {@link SecretReader}. */
export interface SecretReaderOptions {
  /** The client to use; defaults to one with the SDK's default region and endpoint resolution, and {@link awsClientTimeouts}. */
  client?: SecretsManagerClient;
  /** How long a value is cached, in seconds (default 60): short, so a rotation is seen soon. */
  maxAgeSeconds?: number;
}

/**
 * Reads Secrets Manager secret strings through Powertools Parameters, cached per staging label.
 *
 * Powertools caches by secret name only, so each label gets its own provider (and cache): that is
 * what lets a webhook verify against both `AWSCURRENT` and `AWSPREVIOUS` during a rotation.
 */
export class SecretReader {
  readonly #providers: Record<VersionStage, SecretsProvider>;
  readonly #maxAge: number;

  constructor({ client, maxAgeSeconds = 60 }: SecretReaderOptions = {}) {
    const awsSdkV3Client = client ?? new SecretsManagerClient({ ...awsClientTimeouts() });
    this.#providers = {
      AWSCURRENT: new SecretsProvider({ awsSdkV3Client }),
      AWSPREVIOUS: new SecretsProvider({ awsSdkV3Client }),
    };
    this.#maxAge = maxAgeSeconds;
  }

  /**
   * The secret string at `stage`. For `AWSPREVIOUS`, `undefined` when the secret has never been
   * rotated (Secrets Manager answers ResourceNotFoundException for a missing label).
   *
   * @throws {SecretReadError} when the secret cannot be read or holds no string
   */
  async read(
    secretId: string,
    stage: VersionStage = 'AWSCURRENT',
    forceFetch = false,
  ): Promise<string | undefined> {
    let value: unknown;
    try {
      value = await this.#providers[stage].get(secretId, {
        maxAge: this.#maxAge,
        forceFetch,
        sdkOptions: { VersionStage: stage },
      });
    } catch (error) {
      const cause = (error as Error).cause as { name?: string } | undefined;
      if (stage === 'AWSPREVIOUS' && cause?.name === 'ResourceNotFoundException') return undefined;
      throw new SecretReadError(`cannot read secret ${secretId} (${stage}): ${(error as Error).message}`, {
        cause: error,
      });
    }
    if (typeof value === 'string') return value;
    if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
    throw new SecretReadError(`secret ${secretId} (${stage}) has no string value`);
  }
}

/**
 * The value of `field` when `secretString` is a JSON object, otherwise the whole string.
 * Leading and trailing white space is kept: an HMAC key is used exactly as stored.
 *
 * @throws {SecretReadError} when the JSON object has no non-empty string `field`, or the value is empty
 */
export function secretField(secretString: string, field: string, secretId = 'secret'): string {
  const trimmed = secretString.trim();
  if (trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw new SecretReadError(`${secretId} looks like JSON but does not parse`);
    }
    const value = (parsed as Record<string, unknown>)[field];
    if (typeof value !== 'string' || value === '') {
      throw new SecretReadError(`${secretId} is a JSON object without a non-empty string "${field}" field`);
    }
    return value;
  }
  if (secretString === '') throw new SecretReadError(`${secretId} is empty`);
  return secretString;
}
