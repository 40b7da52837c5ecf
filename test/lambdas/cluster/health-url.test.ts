import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isPublicAddress } from '../../../lambdas/cluster/validation/health-url.js';
import { app, makeTestPki } from '../../../sandbox/index.js';
import { evidenceOf, validationCluster } from './support/validation-cluster.js';

const pki = makeTestPki();

/** An HTTPS site on 127.0.0.1 (certificate for 127.0.0.1 and localhost) answering per path. */
const seen: string[] = [];
let site: Server;
let port = 0;
const answers: Record<string, { status: number; headers?: Record<string, string>; body?: string }> = {
  '/ok': { status: 200, body: 'ok' },
  '/blocked': { status: 403, body: 'Request blocked.' },
  '/login-wall': { status: 401, body: 'Unauthorized' },
  '/slow-down': { status: 429, body: 'Too Many Requests' },
  '/proxy-auth': { status: 407, body: 'Proxy Authentication Required' },
  '/moved': { status: 302, headers: { location: '/login' } },
  '/login': { status: 200, body: '<html>login</html>' },
  '/broken': { status: 502, body: 'Bad Gateway' },
};

beforeAll(async () => {
  site = createServer({ cert: pki.certPem, key: pki.keyPem }, (req, res) => {
    seen.push(req.url ?? '');
    const answer = answers[req.url ?? ''] ?? { status: 404 };
    res.writeHead(answer.status, answer.headers).end(answer.body ?? '');
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  port = (site.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => site.close(resolve));
});
beforeEach(() => {
  seen.length = 0;
});

describe('fluxguard.io/health-url, with the loopback range allowed by configuration', () => {
  const cluster = validationCluster({ healthUrl: { allowedRanges: ['127.0.0.0/8'], ca: pki.caPem } });
  const withUrl = (path: string, host = '127.0.0.1') =>
    cluster.put(
      app('web', { health: { path: '/health', port: 'http', url: `https://${host}:${port}${path}` } }),
    );

  it('passes a 2xx answer', async () => {
    // Prepare
    withUrl('/ok');

    // Act
    const report = await cluster.validate();

    // Assess
    expect(report.layers.http.verdict).toBe('pass');
    expect(seen).toEqual(['/ok']);
  });

  it.each([
    ['/blocked', 'HTTP 403'],
    ['/login-wall', 'HTTP 401'],
    ['/slow-down', 'HTTP 429'],
    ['/proxy-auth', 'HTTP 407'],
  ])('is inconclusive, not failed, when %s answers the guard itself with %s', async (path, status) => {
    // Prepare
    withUrl(path);

    // Act
    const report = await cluster.validate();

    // Assess
    expect(report.layers.http.verdict).toBe('inconclusive');
    expect(evidenceOf(report, 'http')).toContain(status);
    expect(report.verdict).toBe('inconclusive');
  });

  it('does not follow a redirect: a 302 to a login page is inconclusive, and the login page is never read', async () => {
    // Prepare
    withUrl('/moved');

    // Act
    const report = await cluster.validate();

    // Assess
    expect(report.layers.http.verdict).toBe('inconclusive');
    expect(evidenceOf(report, 'http')).toContain('HTTP 302');
    expect(seen.every((path) => path === '/moved')).toBe(true);
  });

  it('fails a 5xx from the app, without copying the answer body into the evidence', async () => {
    // Prepare
    withUrl('/broken');

    // Act
    const report = await cluster.validate();

    // Assess
    expect(report.layers.http.verdict).toBe('fail');
    expect(evidenceOf(report, 'http')).toContain('HTTP 502');
    expect(evidenceOf(report, 'http')).not.toContain('Bad Gateway');
  });

  it('refuses a plain http URL without sending anything', async () => {
    // Prepare
    cluster.put(
      app('web', { health: { path: '/health', port: 'http', url: `http://127.0.0.1:${port}/ok` } }),
    );

    // Act
    const report = await cluster.validate();

    // Assess
    expect(report.layers.http.verdict).toBe('inconclusive');
    expect(evidenceOf(report, 'http')).toContain('only https URLs are probed');
    expect(seen).toEqual([]);
  });
});

describe('fluxguard.io/health-url, with the default configuration (public addresses only)', () => {
  const cluster = validationCluster({ healthUrl: { ca: pki.caPem } });

  it.each([
    ['an IP literal', '127.0.0.1'],
    ['a name that resolves to loopback', 'localhost'],
  ])('refuses %s in a private range without sending anything', async (_what, host) => {
    // Prepare
    cluster.put(app('web', { health: { path: '/health', port: 'http', url: `https://${host}:${port}/ok` } }));

    // Act
    const report = await cluster.validate();

    // Assess
    expect(report.layers.http.verdict).toBe('inconclusive');
    expect(evidenceOf(report, 'http')).toMatch(/not a public address/);
    expect(seen).toEqual([]);
  });

  it('refuses the instance metadata address', async () => {
    // Prepare
    cluster.put(
      app('web', {
        health: { path: '/health', port: 'http', url: 'https://169.254.169.254/latest/meta-data/' },
      }),
    );

    // Act
    const report = await cluster.validate();

    // Assess
    expect(report.layers.http.verdict).toBe('inconclusive');
    expect(evidenceOf(report, 'http')).toContain('169.254.169.254 is not a public address');
  });
});

describe('public addresses', () => {
  it.each([
    ['8.8.8.8', true],
    ['52.94.236.248', true],
    ['2606:4700:4700::1111', true],
    ['127.0.0.1', false],
    ['10.1.2.3', false],
    ['172.20.14.9', false],
    ['192.168.0.1', false],
    ['100.64.0.1', false],
    ['169.254.169.254', false],
    ['0.0.0.0', false],
    ['224.0.0.1', false],
    ['::1', false],
    ['::', false],
    ['fd00:ec2::254', false],
    ['fe80::1', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:8.8.8.8', true],
  ])('%s is public: %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });
});
