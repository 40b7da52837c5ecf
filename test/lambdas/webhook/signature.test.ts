import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  parseSignatureHeader,
  SIGNATURE_ALGORITHMS,
  signatureMatches,
  signBody,
} from '../../../lambdas/webhook/signature.js';
import { documentedSignatures, FLUX_FIXTURES, TEST_KEY, wireBody } from '../../support/webhook-requests.js';

describe('signBody', () => {
  it.each(FLUX_FIXTURES)('gives the X-Signature that SOURCES.md lists for %s', (fixture) => {
    // Prepare
    const body = wireBody(fixture);

    // Act
    const header = signBody(body, TEST_KEY);

    // Assess
    expect(header).toBe(documentedSignatures().get(fixture));
  });
});

describe('parseSignatureHeader and signatureMatches', () => {
  const body = Buffer.from('{"hello":"flux"}');

  it.each(SIGNATURE_ALGORITHMS)('verifies an %s signature', (algorithm) => {
    // Prepare
    const header = `${algorithm}=${createHmac(algorithm, TEST_KEY).update(body).digest('hex')}`;

    // Act
    const parsed = parseSignatureHeader([header]);

    // Assess
    expect(parsed.ok && signatureMatches(body, parsed.signature, TEST_KEY)).toBe(true);
    expect(parsed.ok && signatureMatches(body, parsed.signature, 'other-key')).toBe(false);
  });

  it('accepts upper-case hex and algorithm names, and surrounding spaces', () => {
    // Prepare
    const header = ` SHA256=${createHmac('sha256', TEST_KEY).update(body).digest('hex').toUpperCase()} `;

    // Act
    const parsed = parseSignatureHeader([header]);

    // Assess
    expect(parsed.ok && signatureMatches(body, parsed.signature, TEST_KEY)).toBe(true);
  });

  it('uses the key untrimmed, as Flux does with a token written by --from-file', () => {
    // Prepare
    const parsed = parseSignatureHeader([signBody(body, `${TEST_KEY}\n`)]);

    // Act
    const withNewline = parsed.ok && signatureMatches(body, parsed.signature, `${TEST_KEY}\n`);
    const trimmed = parsed.ok && signatureMatches(body, parsed.signature, TEST_KEY);

    // Assess
    expect([withNewline, trimmed]).toEqual([true, false]);
  });

  it.each([
    [undefined, 'missing-signature'],
    [[], 'missing-signature'],
    [['sha256=aa', 'sha256=bb'], 'malformed-signature'],
    [['sha256'], 'malformed-signature'],
    [['sha256=xyz'], 'malformed-signature'],
    [[`sha256=${'a'.repeat(63)}`], 'malformed-signature'],
    [[`sha256=${'a'.repeat(128)}`], 'malformed-signature'],
    [[`sha1=${'a'.repeat(40)}`], 'unsupported-algorithm'],
    [[`md5=${'a'.repeat(32)}`], 'unsupported-algorithm'],
  ])('refuses %j as %s', (values, code) => {
    // Prepare: the header values from the table

    // Act
    const parsed = parseSignatureHeader(values);

    // Assess
    expect(parsed).toMatchObject({ ok: false, code });
  });
});
