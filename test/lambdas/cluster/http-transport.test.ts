import http from 'node:http';
import http2, { type Http2SecureServer, type ServerHttp2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Http1Transport, Http2Transport } from '../../../lambdas/cluster/http-transport.js';
import { makeTestPki } from '../../../sandbox/index.js';

const pki = makeTestPki();
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** An HTTP/2 server with the test CA that echoes the method, path and body, and counts its TLS connections. */
async function h2Server(delayMs = 0) {
  const sessions: ServerHttp2Session[] = [];
  const server: Http2SecureServer = http2.createSecureServer({ cert: pki.certPem, key: pki.keyPem });
  server.on('session', (session) => sessions.push(session));
  server.on('stream', (stream, headers) => {
    let body = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      body += chunk;
    });
    stream.on('end', () => {
      setTimeout(() => {
        if (stream.destroyed) return;
        stream.respond({ ':status': 200, 'content-type': 'application/json' });
        stream.end(
          JSON.stringify({
            method: headers[':method'],
            path: headers[':path'],
            auth: headers.authorization,
            body,
          }),
        );
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `https://localhost:${(server.address() as AddressInfo).port}`;
  closers.push(async () => {
    for (const session of sessions) session.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { origin, sessions };
}

describe('Http2Transport', () => {
  it('sends parallel requests on one TLS connection, trusting only the given CA', async () => {
    // Prepare
    const { origin, sessions } = await h2Server();
    const transport = new Http2Transport(origin, { ca: pki.caPem });
    closers.push(() => transport.close());

    // Act
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        transport.send({
          url: new URL(`${origin}/api/v1/namespaces/n${i}/pods?limit=5`),
          method: 'GET',
          headers: { Authorization: 'Bearer t' },
          timeoutMs: 2_000,
        }),
      ),
    );

    // Assess
    expect(sessions).toHaveLength(1);
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect(JSON.parse(answers[7]?.body ?? '{}')).toEqual({
      method: 'GET',
      path: '/api/v1/namespaces/n7/pods?limit=5',
      auth: 'Bearer t',
      body: '',
    });
  });

  it('sends a body, and opens a new connection after the server closed the old one', async () => {
    // Prepare
    const { origin, sessions } = await h2Server();
    const transport = new Http2Transport(origin, { ca: pki.caPem });
    closers.push(() => transport.close());
    const patch = { url: new URL(`${origin}/apis/x`), method: 'PATCH', headers: {}, timeoutMs: 2_000 };
    await transport.send({ ...patch, body: '{"a":1}' });
    await new Promise<void>((resolve) => sessions[0]?.close(resolve));

    // Act
    const answer = await transport.send({ ...patch, body: '{"b":2}' });

    // Assess
    expect(sessions).toHaveLength(2);
    expect(JSON.parse(answer.body)).toMatchObject({ method: 'PATCH', body: '{"b":2}' });
  });

  it('refuses a server whose certificate does not chain to the given CA', async () => {
    // Prepare
    const { origin } = await h2Server();
    const transport = new Http2Transport(origin, { ca: makeTestPki().caPem });
    closers.push(() => transport.close());

    // Act
    const sent = transport.send({ url: new URL(`${origin}/`), method: 'GET', headers: {}, timeoutMs: 2_000 });

    // Assess
    await expect(sent).rejects.toThrow(/certificate|self.signed|verify/i);
  });

  it('aborts a request that has no answer within its timeout', async () => {
    // Prepare
    const { origin } = await h2Server(1_000);
    const transport = new Http2Transport(origin, { ca: pki.caPem });
    closers.push(() => transport.close());

    // Act
    const sent = transport.send({ url: new URL(`${origin}/`), method: 'GET', headers: {}, timeoutMs: 50 });

    // Assess
    await expect(sent).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('Http1Transport', () => {
  it('returns a redirect as the answer instead of following it', async () => {
    // Prepare
    const server = http.createServer((request, response) => {
      if (request.url === '/health') {
        response.writeHead(302, { location: '/elsewhere' }).end('moved');
      } else {
        response.writeHead(200).end('elsewhere');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const transport = new Http1Transport();
    closers.push(() => transport.close());
    const port = (server.address() as AddressInfo).port;

    // Act
    const answer = await transport.send({
      url: new URL(`http://127.0.0.1:${port}/health`),
      method: 'GET',
      headers: {},
      timeoutMs: 2_000,
    });

    // Assess
    expect(answer).toEqual({ status: 302, body: 'moved' });
  });
});
