import { describe, expect, it } from 'vitest';
import {
  arnEnv,
  booleanEnv,
  ConfigError,
  choiceEnv,
  integerEnv,
  optionalEnv,
  optionalRegionEnv,
  optionalUrlEnv,
  requiredEnv,
  urlEnv,
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

  it.each([
    ['https://ghe.example.com/api/v3', 'https://ghe.example.com/api/v3'],
    ['http://localhost:9000', 'http://localhost:9000'],
    ['http://[::1]:9000/', 'http://[::1]:9000/'],
    [undefined, undefined],
  ])('reads the URL %s', (raw, expected) => {
    expect(optionalUrlEnv({ U: raw }, 'U')).toBe(expected);
  });

  it.each([
    ['ftp://ghe.example.com', 'U must be an https URL'],
    ['http://10.0.0.1/api', 'U must be an https URL'],
    ['http://127.0.0.1.evil.example/api', 'U must be an https URL'],
    ['https://user:pw@ghe.example.com', 'U must not carry credentials'],
    ['not a url', 'U must be an https URL'],
  ])('refuses the URL %s', (raw, message) => {
    expect(() => optionalUrlEnv({ U: raw }, 'U')).toThrow(message);
  });

  it('requires a URL that must be set', () => {
    expect(() => urlEnv({}, 'U')).toThrow('U is not set');
  });

  it('checks an ARN for its service, account, region and resource type', () => {
    const secret = { service: 'secretsmanager', resourcePrefix: 'secret:', description: 'a secret ARN' };
    const arn = 'arn:aws-us-gov:secretsmanager:us-gov-west-1:111122223333:secret:gh-AbCdEf';
    expect(arnEnv({ A: arn }, 'A', secret)).toBe(arn);
    for (const wrong of [
      'arn:aws:secretsmanager:eu-west-1:111122223333:parameter/gh',
      'arn:aws:secretsmanager:eu-west-1:1111:secret:gh',
      'arn:aws:secretsmanager::111122223333:secret:gh',
      'arn:aws:secretsmanager:eu-west-1:111122223333:secret:',
      'arn:aws:ssm:eu-west-1:111122223333:secret:gh',
    ]) {
      expect(() => arnEnv({ A: wrong }, 'A', secret)).toThrow(`A must be a secret ARN, got "${wrong}"`);
    }
    expect(() => arnEnv({}, 'A', secret)).toThrow('A is not set');
  });

  it('reads a region name and refuses anything else', () => {
    expect(optionalRegionEnv({ R: 'eu-central-1' }, 'R')).toBe('eu-central-1');
    expect(optionalRegionEnv({}, 'R')).toBeUndefined();
    expect(() => optionalRegionEnv({ R: 'EU' }, 'R')).toThrow('R must be an AWS region name');
  });
});
