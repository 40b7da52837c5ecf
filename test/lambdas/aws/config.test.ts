import { describe, expect, it } from 'vitest';
import {
  booleanEnv,
  ConfigError,
  choiceEnv,
  integerEnv,
  optionalEnv,
  requiredEnv,
} from '../../../lambdas/aws/index.js';

describe('reading the environment', () => {
  it('trims a required value and names a missing one', () => {
    expect(requiredEnv({ QUEUE_URL: ' https://q ' }, 'QUEUE_URL')).toBe('https://q');
    expect(() => requiredEnv({ QUEUE_URL: '  ' }, 'QUEUE_URL')).toThrow(
      new ConfigError('QUEUE_URL is not set'),
    );
  });

  it('treats a blank optional value as unset', () => {
    expect(optionalEnv({ A: ' ' }, 'A')).toBeUndefined();
    expect(optionalEnv({ A: 'x' }, 'A')).toBe('x');
  });

  it.each([
    [undefined, 3],
    ['5', 5],
  ])('reads the whole number %s as %s', (raw, expected) => {
    expect(integerEnv({ N: raw }, 'N', { fallback: 3, min: 1, max: 10 })).toBe(expected);
  });

  it.each(['0', '11', '2.5', '-1', 'three'])('refuses %s outside 1..10 and names the variable', (raw) => {
    expect(() => integerEnv({ N: raw }, 'N', { fallback: 3, min: 1, max: 10 })).toThrow(
      /^N must be a whole number/,
    );
  });

  it('reads booleans case-insensitively and refuses anything else', () => {
    expect(booleanEnv({ DRY_RUN: 'TRUE' }, 'DRY_RUN', false)).toBe(true);
    expect(booleanEnv({}, 'DRY_RUN', false)).toBe(false);
    expect(() => booleanEnv({ DRY_RUN: 'yes' }, 'DRY_RUN', false)).toThrow(ConfigError);
  });

  it('reads a choice among allowed values and lists them when refusing', () => {
    const modes = ['revert', 'pull-request', 'alert-only'] as const;
    expect(choiceEnv({ MODE: 'pull-request' }, 'MODE', modes, 'revert')).toBe('pull-request');
    expect(() => choiceEnv({ MODE: 'yolo' }, 'MODE', modes, 'revert')).toThrow(
      'MODE must be one of revert, pull-request, alert-only, got "yolo"',
    );
  });
});
