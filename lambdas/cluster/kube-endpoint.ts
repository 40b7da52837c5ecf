/**
 * Where a cluster's API server is and how to talk to it: its URL, the TLS it must present, the
 * headers that authenticate each request. An EKS cluster's endpoint is built here from
 * DescribeCluster; a kubeconfig's in `kubeconfig-endpoint.ts`, loaded only on that path (it brings
 * `@kubernetes/client-node`, which a Lambda never needs).
 *
 * @module
 */
import type { EksTokenProvider } from './eks-token.js';
import { Http1Transport, Http2Transport, type HttpTransport, type TlsSettings } from './http-transport.js';

/** One cluster's API server, as every Kubernetes client of fluxguard reaches it. */
export interface KubeEndpoint {
  /** For messages: the EKS cluster name, or the kubeconfig context. */
  name: string;
  /** The API server URL, e.g. `https://ABC.gr7.eu-west-1.eks.amazonaws.com` (may carry a path prefix). */
  server: string;
  /** The TLS the server must present (its CA is the only one trusted) and the client's certificate. */
  tls: TlsSettings;
  /** The headers that authenticate one request (a fresh bearer token, an exec plugin's…). */
  authHeaders(url: string): Promise<Record<string, string>>;
  /** A transport of its own (a kubeconfig's `proxy-url`); default {@link transportFor}'s. */
  transport?: () => HttpTransport;
}

/**
 * The transport for an endpoint: its own when it has one, else HTTP/2 over TLS for an `https`
 * server (one connection for every request) and HTTP/1.1 for a plain `http` one (`kubectl proxy`).
 */
export function transportFor(endpoint: KubeEndpoint): HttpTransport {
  if (endpoint.transport) return endpoint.transport();
  const url = new URL(endpoint.server);
  return url.protocol === 'https:' ? new Http2Transport(url.origin, endpoint.tls) : new Http1Transport();
}

/** What {@link eksEndpoint} needs from DescribeCluster. */
export interface EksEndpointInfo {
  name: string;
  endpoint: string;
  /** Base64 of the PEM, exactly as DescribeCluster returns it. */
  certificateAuthorityData: string;
}

/**
 * An EKS cluster's endpoint: TLS verified against the CA from DescribeCluster (never skipped), and a
 * bearer token from `tokens` on every request, so a renewed token is picked up without new clients.
 *
 * @example
 * const endpoint = eksEndpoint(await describeEksCluster(eks, 'prod'), new EksTokenProvider({ clusterName: 'prod', region }));
 */
export function eksEndpoint(info: EksEndpointInfo, tokens: Pick<EksTokenProvider, 'token'>): KubeEndpoint {
  return {
    name: info.name,
    server: info.endpoint,
    tls: { ca: Buffer.from(info.certificateAuthorityData, 'base64').toString('utf8') },
    authHeaders: async () => ({ authorization: `Bearer ${await tokens.token()}` }),
  };
}
