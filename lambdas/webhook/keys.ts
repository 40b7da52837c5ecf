/**
 * Where the webhook's keys come from: the Flux route's HMAC key and the Alertmanager route's bearer
 * token. The Lambda reads them from Secrets Manager (both `AWSCURRENT` and `AWSPREVIOUS`, so a
 * rotation never rejects a sender that still has the other version); the local server can use a
 * fixed key.
 *
 * @module
 */
import { type SecretReader, secretField } from '../aws/index.js';
import { type Signature, signatureMatches } from './signature.js';

/** Which key verified a request. */
export type KeyVersion = 'current' | 'previous' | 'static';

/** Verifies a signature (or any other proof) against every key that is valid right now. */
export interface SigningKeys {
  /**
   * The key version that verified `body`, or `undefined` when none did.
   *
   * @throws {import('../aws/index.js').SecretReadError} when the keys cannot be read
   */
  verify(body: Uint8Array, signature: Signature): Promise<KeyVersion | undefined>;
  /**
   * The first key version for which `matches(key)` holds, or `undefined`: the same rotation-safe
   * lookup as {@link SigningKeys.verify}, for proofs other than an HMAC (a bearer token).
   *
   * @throws {import('../aws/index.js').SecretReadError} when the keys cannot be read
   */
  match(matches: (key: string) => boolean): Promise<KeyVersion | undefined>;
}

/** Fixed keys, e.g. `fluxguard webhook serve --key`. */
export class StaticKeys implements SigningKeys {
  readonly #keys: readonly string[];

  constructor(keys: readonly string[]) {
    this.#keys = keys;
  }

  async verify(body: Uint8Array, signature: Signature): Promise<KeyVersion | undefined> {
    return this.match((key) => signatureMatches(body, signature, key));
  }

  async match(matches: (key: string) => boolean): Promise<KeyVersion | undefined> {
    return this.#keys.some(matches) ? 'static' : undefined;
  }
}

/** Options for {@link SecretsManagerKeys}. */
export interface SecretsManagerKeysOptions {
  /**
   * The least time between two forced re-reads of `AWSCURRENT` after a signature matched no cached
   * key (default 30 s), so a flood of bad signatures cannot hammer Secrets Manager.
   */
  refetchIntervalMs?: number;
  /**
   * How long a missing or unusable `AWSPREVIOUS` is remembered (default 60 s). Secrets Manager
   * errors are not cached by Parameters, so without this every bad signature would cost a call.
   */
  previousAbsentTtlMs?: number;
  /** The clock, for tests. */
  now?: () => number;
}

/**
 * Keys from a Secrets Manager secret whose string is the token, or JSON with a `token` field.
 * Tries the cached `AWSCURRENT`, then `AWSPREVIOUS`, then (rate-limited) a fresh `AWSCURRENT` in
 * case a rotation finished after the value was cached.
 */
export class SecretsManagerKeys implements SigningKeys {
  readonly #reader: SecretReader;
  readonly #secretId: string;
  readonly #refetchIntervalMs: number;
  readonly #previousAbsentTtlMs: number;
  readonly #now: () => number;
  #lastRefetch = Number.NEGATIVE_INFINITY;
  #previousAbsentUntil = Number.NEGATIVE_INFINITY;
  /** The last `AWSCURRENT` value seen, to notice a rotation. */
  #seenCurrent: string | undefined;
  /**
   * A rotation was seen since `AWSPREVIOUS` was last read: the cached `AWSPREVIOUS` (or its
   * remembered absence) predates it, while the version that just stopped being current, the one
   * every not-yet-updated sender still signs with, is now `AWSPREVIOUS`.
   */
  #previousStale = false;

  constructor(reader: SecretReader, secretId: string, options: SecretsManagerKeysOptions = {}) {
    this.#reader = reader;
    this.#secretId = secretId;
    this.#refetchIntervalMs = options.refetchIntervalMs ?? 30_000;
    this.#previousAbsentTtlMs = options.previousAbsentTtlMs ?? 60_000;
    this.#now = options.now ?? Date.now;
  }

  async #key(stage: 'AWSCURRENT' | 'AWSPREVIOUS', forceFetch = false): Promise<string | undefined> {
    const value = await this.#reader.read(this.#secretId, stage, forceFetch);
    return value === undefined ? undefined : secretField(value, 'token', this.#secretId);
  }

  #seen(current: string | undefined): void {
    if (current === undefined) return;
    if (this.#seenCurrent !== undefined && current !== this.#seenCurrent) this.#previousStale = true;
    this.#seenCurrent = current;
  }

  async #previousMatches(matches: (key: string) => boolean): Promise<boolean> {
    const forceFetch = this.#previousStale;
    if (!forceFetch && this.#now() < this.#previousAbsentUntil) return false;
    this.#previousStale = false;
    let previous: string | undefined;
    try {
      previous = await this.#key('AWSPREVIOUS', forceFetch);
    } catch {
      // An unusable previous version must not block the current one: treat it as absent.
      previous = undefined;
    }
    if (previous === undefined) {
      this.#previousAbsentUntil = this.#now() + this.#previousAbsentTtlMs;
      return false;
    }
    return matches(previous);
  }

  async verify(body: Uint8Array, signature: Signature): Promise<KeyVersion | undefined> {
    return this.match((key) => signatureMatches(body, signature, key));
  }

  async match(matches: (key: string) => boolean): Promise<KeyVersion | undefined> {
    const current = await this.#key('AWSCURRENT');
    this.#seen(current);
    if (current !== undefined && matches(current)) return 'current';
    if (await this.#previousMatches(matches)) return 'previous';
    const now = this.#now();
    if (now - this.#lastRefetch < this.#refetchIntervalMs) return undefined;
    this.#lastRefetch = now;
    const fresh = await this.#key('AWSCURRENT', true);
    this.#seen(fresh);
    if (fresh !== undefined && fresh !== current && matches(fresh)) return 'current';
    return undefined;
  }
}
