/**
 * notification-controller's `generic-hmac` Provider: each event is marshalled once, signed over its
 * exact bytes with the Provider secret's `token` (`X-Signature: sha256=<hex>`), and POSTed with
 * notification-controller's retry policy (connection errors, 429 and 5xx except 501; back-off 2 s,
 * 4 s, 8 s, 16 s, at most 5 attempts within the 15 s Provider timeout).
 *
 * @module
 */
import { goJsonStringify } from '../../lambdas/flux/index.js';
import { signBody } from '../../lambdas/webhook/index.js';
import type { StoryClock } from './clock.js';

/** An event as notification-controller posts it (`eventv1.Event`, keys in wire order). */
export interface FluxEventBody {
  involvedObject: {
    kind: string;
    namespace: string;
    name: string;
    uid: string;
    apiVersion: string;
    resourceVersion: string;
  };
  severity: 'info' | 'error';
  timestamp: string;
  message: string;
  reason: string;
  metadata?: Record<string, string>;
  reportingController: string;
  reportingInstance: string;
}

/** One delivery attempt's outcome. */
export interface Delivery {
  event: FluxEventBody;
  /** HTTP statuses of every attempt (0: no answer). */
  statuses: number[];
  /** The last answer's body. */
  answer: string;
  delivered: boolean;
}

const RETRIED = (status: number) => status === 0 || status === 429 || (status >= 500 && status !== 501);

/** Go's map marshalling sorts keys; the event metadata is a `map[string]string`. */
function sortedMetadata(metadata: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!metadata) return undefined;
  return Object.fromEntries(Object.entries(metadata).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The exact bytes notification-controller sends for an event. */
export function eventBytes(event: FluxEventBody): Buffer {
  const metadata = sortedMetadata(event.metadata);
  const { metadata: _ignored, reportingController, reportingInstance, ...head } = event;
  return Buffer.from(
    goJsonStringify({ ...head, ...(metadata ? { metadata } : {}), reportingController, reportingInstance }),
    'utf8',
  );
}

/**
 * Posts Flux events to a `generic-hmac` Provider address.
 *
 * @example
 * ```ts
 * const notifier = new ProviderNotifier({ address: webhook.url, token: 'hmac-key', clock });
 * await notifier.post(event);
 * ```
 */
export class ProviderNotifier {
  readonly #address: string;
  readonly #token: string;
  readonly #clock: StoryClock;
  readonly #attempts: number;

  constructor({
    address,
    token,
    clock,
    attempts = 5,
  }: {
    address: string;
    token: string;
    clock: StoryClock;
    attempts?: number;
  }) {
    this.#address = address;
    this.#token = token;
    this.#clock = clock;
    this.#attempts = attempts;
  }

  async post(event: FluxEventBody): Promise<Delivery> {
    const body = eventBytes(event);
    const headers = {
      'content-type': 'application/json',
      'gotk-component': event.reportingController,
      'user-agent': 'Go-http-client/1.1',
      'x-signature': signBody(body, this.#token),
    };
    const statuses: number[] = [];
    let answer = '';
    for (let attempt = 0; attempt < this.#attempts; attempt += 1) {
      if (attempt > 0) await this.#clock.sleep(Math.min(2_000 * 2 ** (attempt - 1), 30_000));
      let status = 0;
      try {
        const response = await fetch(this.#address, {
          method: 'POST',
          headers,
          body,
          signal: AbortSignal.timeout(15_000),
        });
        status = response.status;
        answer = await response.text();
      } catch (error) {
        answer = (error as Error).message;
      }
      statuses.push(status);
      if (status >= 200 && status < 300) return { event, statuses, answer, delivered: true };
      if (!RETRIED(status)) break;
    }
    return { event, statuses, answer, delivered: false };
  }
}
