/**
 * The Alertmanager route's authentication: `Authorization: Bearer <token>`, as Alertmanager's
 * `http_config.authorization` sends it (type `Bearer` by default, `credentials` or
 * `credentials_file`). Pure.
 *
 * @module
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** Why a request carries no usable bearer token: a metric dimension. */
export type BearerProblem = 'missing-token' | 'malformed-token';

/** The result of reading the header: a token, or why there is none. Never echoes the value. */
export type BearerParse = { ok: true; token: string } | { ok: false; code: BearerProblem; reason: string };

const BEARER = /^Bearer +(\S+)$/i;

/**
 * Reads the `Authorization` header values (every value the request carried under any case of the
 * name). Exactly one `Bearer <token>` value is required.
 *
 * @example parseBearerHeader(['Bearer s3cr3t']) // { ok: true, token: 's3cr3t' }
 */
export function parseBearerHeader(values: readonly string[] | undefined): BearerParse {
  if (values === undefined || values.length === 0) {
    return { ok: false, code: 'missing-token', reason: 'missing Authorization header' };
  }
  if (values.length > 1) {
    return { ok: false, code: 'malformed-token', reason: 'more than one Authorization header' };
  }
  const match = BEARER.exec((values[0] ?? '').trim());
  if (!match?.[1]) {
    return {
      ok: false,
      code: 'malformed-token',
      reason: 'malformed Authorization header, expected Bearer <token>',
    };
  }
  return { ok: true, token: match[1] };
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Whether `presented` is `expected`, compared in constant time. Both are hashed first, so neither
 * the comparison nor an early length check tells a caller how long the token is. `expected` is
 * trimmed (a secret or a `credentials_file` often ends in a newline; Alertmanager trims the file).
 */
export function tokenMatches(presented: string, expected: string): boolean {
  const key = expected.trim();
  if (key === '') return false;
  return timingSafeEqual(sha256(presented), sha256(key));
}
