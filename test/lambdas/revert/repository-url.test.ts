import { describe, expect, it } from 'vitest';
import { RepositoryUrlError } from '../../../lambdas/revert/errors.js';
import { gitHubHostOf, parseRepositoryUrl } from '../../../lambdas/revert/repository-url.js';

describe('parseRepositoryUrl', () => {
  it.each([
    ['https://github.com/acme/gitops', 'github.com'],
    ['https://github.com/acme/gitops.git', 'github.com'],
    ['ssh://git@github.com/acme/gitops', 'github.com'],
    ['git@github.com:acme/gitops.git', 'github.com'],
    ['acme/gitops', 'github.com'],
    ['https://ghe.example.com/acme/gitops.git', 'ghe.example.com'],
    ['ssh://git@ghe.example.com:2222/acme/gitops.git', 'ghe.example.com'],
  ])('reads %s as acme/gitops on %s', (url, host) => {
    // Act
    const ref = parseRepositoryUrl(url);

    // Assess
    expect(ref).toEqual({ host, owner: 'acme', repo: 'gitops' });
  });

  it.each(['https://github.com/acme', 'ftp://github.com/a/b', 'not a url', 'https://github.com/a/b/c'])(
    'rejects %s',
    (url) => {
      // Act + Assess
      expect(() => parseRepositoryUrl(url)).toThrow(RepositoryUrlError);
    },
  );

  it('names the web host an API URL serves, and puts a bare owner/name on it', () => {
    // Act + Assess
    expect(gitHubHostOf('https://api.github.com')).toBe('github.com');
    expect(gitHubHostOf('https://GHE.example.com/api/v3')).toBe('ghe.example.com');
    expect(parseRepositoryUrl('acme/gitops', 'ghe.example.com').host).toBe('ghe.example.com');
  });
});
