/**
 * How fluxguard's Kubernetes clients talk HTTP, on Node's built-in modules only: one HTTP/2
 * connection per API server (every request of a validation pass shares it, as client-go does), and
 * HTTP/1.1 for a plain-`http` server (`kubectl proxy`) and for public health URLs. Undici would do
 * the same at about 700 KB of code in every cold start; `node:http2` is already in the binary.
 *
 * @module
 */
import http from 'node:http';
import http2, { type ClientHttp2Session } from 'node:http2';
import https from 'node:https';
import type { LookupFunction } from 'node:net';

/** TLS of a connection: the CA it trusts, the client certificate it presents. */
export interface TlsSettings {
  /** The only CA(s) the server's certificate may chain to (PEM). Default: Node's bundled roots. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Client certificate and key (PEM), when the kubeconfig authenticates with one. */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** The name the certificate must carry, when it differs from the URL's host. */
  servername?: string;
  /** `false` only when a kubeconfig says `insecure-skip-tls-verify`. */
  rejectUnauthorized?: boolean;
}

/** One request of {@link HttpTransport.send}. */
export interface HttpRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** Aborted (an `AbortError`) when no whole answer came within this many ms. */
  timeoutMs: number;
}

/** The status and the whole body of an answer. */
export interface HttpAnswer {
  status: number;
  body: string;
}

/** Sends requests over connections it keeps open until {@link close}. */
export interface HttpTransport {
  /** @throws the connection's error, or an `AbortError` after `timeoutMs` */
  send(request: HttpRequest): Promise<HttpAnswer>;
  close(): Promise<void>;
}

function lowerCased(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

/**
 * HTTP/2 to one origin over one TLS connection, opened on the first request and again after the
 * server closes it (GOAWAY, idle timeout, a network error). The connection holds the process open
 * only while requests are in flight.
 */
export class Http2Transport implements HttpTransport {
  readonly #origin: string;
  readonly #tls: TlsSettings;
  #session?: ClientHttp2Session;
  #inFlight = 0;

  constructor(origin: string, tls: TlsSettings = {}) {
    this.#origin = origin;
    this.#tls = tls;
  }

  #connect(): ClientHttp2Session {
    const current = this.#session;
    if (current && !current.closed && !current.destroyed) return current;
    const session = http2.connect(this.#origin, { ...this.#tls });
    const forget = () => {
      if (this.#session === session) this.#session = undefined;
    };
    // A connection error reaches every open stream as its own error; here it only retires the session.
    session.on('error', forget);
    session.on('close', forget);
    session.on('goaway', forget);
    this.#session = session;
    return session;
  }

  send({ url, method, headers, body, timeoutMs }: HttpRequest): Promise<HttpAnswer> {
    return new Promise<HttpAnswer>((resolve, reject) => {
      let session: ClientHttp2Session;
      let stream: http2.ClientHttp2Stream;
      try {
        session = this.#connect();
        stream = session.request(
          {
            ...lowerCased(headers),
            ':method': method,
            ':path': `${url.pathname}${url.search}`,
            ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }),
          },
          { endStream: body === undefined, signal: AbortSignal.timeout(timeoutMs) },
        );
      } catch (error) {
        reject(error);
        return;
      }
      this.#inFlight += 1;
      session.ref();
      const settle = () => {
        this.#inFlight -= 1;
        if (this.#inFlight === 0 && !session.destroyed) session.unref();
      };
      let status = 0;
      let text = '';
      stream.setEncoding('utf8');
      stream.on('response', (answer) => {
        status = Number(answer[':status']);
      });
      stream.on('data', (chunk: string) => {
        text += chunk;
      });
      stream.on('end', () => {
        settle();
        resolve({ status, body: text });
      });
      stream.on('error', (error) => {
        settle();
        reject(error);
      });
      if (body !== undefined) stream.end(body);
    });
  }

  async close(): Promise<void> {
    const session = this.#session;
    this.#session = undefined;
    if (!session || session.closed) return;
    await new Promise<void>((resolve) => session.close(resolve));
  }
}

/** Options of {@link Http1Transport}. */
export interface Http1Options {
  tls?: TlsSettings;
  /** Resolves host names; the health-URL policy uses it to refuse private addresses. */
  lookup?: LookupFunction;
  /** Keep connections open between requests (default true). */
  keepAlive?: boolean;
}

/** HTTP/1.1 (`http:` or `https:` by the URL), redirects never followed: a 3xx is the answer. */
export class Http1Transport implements HttpTransport {
  readonly #https: https.Agent;
  readonly #http: http.Agent;
  readonly #lookup?: LookupFunction;

  constructor({ tls = {}, lookup, keepAlive = true }: Http1Options = {}) {
    this.#https = new https.Agent({ keepAlive, ...tls });
    this.#http = new http.Agent({ keepAlive });
    if (lookup) this.#lookup = lookup;
  }

  send({ url, method, headers, body, timeoutMs }: HttpRequest): Promise<HttpAnswer> {
    return new Promise<HttpAnswer>((resolve, reject) => {
      const secure = url.protocol === 'https:';
      const request = (secure ? https : http).request(
        url,
        {
          method,
          headers: {
            ...headers,
            ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }),
          },
          agent: secure ? this.#https : this.#http,
          signal: AbortSignal.timeout(timeoutMs),
          ...(this.#lookup ? { lookup: this.#lookup } : {}),
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            text += chunk;
          });
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  }

  async close(): Promise<void> {
    this.#https.destroy();
    this.#http.destroy();
  }
}
