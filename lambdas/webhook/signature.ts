/**
 * The `generic-hmac` signature: `X-Signature: <alg>=<hex>`, an HMAC of the exact request body with
 * the Provider secret's `token` (notification-controller `internal/notifier/forwarder.go`). Pure.
 *
 * @module
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The algorithms notification-controller's documentation accepts; it sends `sha256`. */
export const SIGNATURE_ALGORITHMS = ['sha224', 'sha256', 'sha384', 'sha512'] as const;

/** One of {@link SIGNATURE_ALGORITHMS}. */
export type SignatureAlgorithm = (typeof SIGNATURE_ALGORITHMS)[number];

/** The header that carries the signature (matched case-insensitively). */
export const SIGNATURE_HEADER = 'x-signature';

const DIGEST_BYTES: Record<SignatureAlgorithm, number> = { sha224: 28, sha256: 32, sha384: 48, sha512: 64 };

/** A well-formed signature header. */
export interface Signature {
  algorithm: SignatureAlgorithm;
  /** The decoded digest, exactly as long as the algorithm's output. */
  digest: Buffer;
}

/** Why a request carries no usable signature: a metric dimension. */
export type SignatureProblem = 'missing-signature' | 'malformed-signature' | 'unsupported-algorithm';

/** The result of reading the header: a signature, or why there is none. Never echoes the value. */
export type SignatureParse =
  | { ok: true; signature: Signature }
  | { ok: false; code: SignatureProblem; reason: string };

const FORMAT = /^([A-Za-z0-9-]+)=([0-9A-Fa-f]*)$/;

function isAlgorithm(value: string): value is SignatureAlgorithm {
  return (SIGNATURE_ALGORITHMS as readonly string[]).includes(value);
}

/**
 * Reads the `X-Signature` header values (every value the request carried under any case of the
 * name). Exactly one well-formed value is required.
 */
export function parseSignatureHeader(values: readonly string[] | undefined): SignatureParse {
  if (values === undefined || values.length === 0) {
    return { ok: false, code: 'missing-signature', reason: 'missing X-Signature header' };
  }
  if (values.length > 1) {
    return { ok: false, code: 'malformed-signature', reason: 'more than one X-Signature header' };
  }
  const match = FORMAT.exec((values[0] ?? '').trim());
  if (!match) {
    return {
      ok: false,
      code: 'malformed-signature',
      reason: 'malformed X-Signature header, expected <algorithm>=<hex>',
    };
  }
  const algorithm = (match[1] ?? '').toLowerCase();
  const hex = match[2] ?? '';
  if (!isAlgorithm(algorithm)) {
    return {
      ok: false,
      code: 'unsupported-algorithm',
      reason: `unsupported signature algorithm, expected one of ${SIGNATURE_ALGORITHMS.join(', ')}`,
    };
  }
  if (hex.length !== DIGEST_BYTES[algorithm] * 2) {
    const digits = DIGEST_BYTES[algorithm] * 2;
    return {
      ok: false,
      code: 'malformed-signature',
      reason: `malformed X-Signature header, a ${algorithm} digest is ${digits} hex digits`,
    };
  }
  return { ok: true, signature: { algorithm, digest: Buffer.from(hex, 'hex') } };
}

/** HMAC of `body` with `key` (used as UTF-8 bytes, untrimmed, as Flux does). */
export function hmac(body: Uint8Array, key: string, algorithm: SignatureAlgorithm = 'sha256'): Buffer {
  return createHmac(algorithm, key).update(body).digest();
}

/** The `X-Signature` header value Flux would send for `body`, e.g. `sha256=<64 hex>`. */
export function signBody(body: Uint8Array, key: string, algorithm: SignatureAlgorithm = 'sha256'): string {
  return `${algorithm}=${hmac(body, key, algorithm).toString('hex')}`;
}

/** Whether `signature` is the HMAC of `body` under `key`, compared in constant time. */
export function signatureMatches(body: Uint8Array, signature: Signature, key: string): boolean {
  const expected = hmac(body, key, signature.algorithm);
  return expected.length === signature.digest.length && timingSafeEqual(expected, signature.digest);
}
