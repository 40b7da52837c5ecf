import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One message SNS accepted. */
export interface CapturedSnsMessage {
  topicArn: string;
  message: string;
  subject?: string;
  /** String message attributes by name. */
  attributes: Record<string, string>;
  messageId: string;
}

/** A running captured SNS endpoint. */
export interface CapturedSns {
  /** `http://127.0.0.1:<port>`: the endpoint for `AWS_ENDPOINT_URL_SNS` or a client's `endpoint`. */
  url: string;
  /** Every message published, in order. */
  messages: CapturedSnsMessage[];
  /** Makes the next `count` publishes fail with a 500 (an SNS outage). */
  failNext(count?: number): void;
  close(): Promise<void>;
}

/** The message attributes of a Query-protocol Publish (`MessageAttributes.entry.N.Name/Value.StringValue`). */
function attributesOf(form: URLSearchParams): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (let n = 1; form.has(`MessageAttributes.entry.${n}.Name`); n += 1) {
    const name = form.get(`MessageAttributes.entry.${n}.Name`) ?? '';
    attributes[name] = form.get(`MessageAttributes.entry.${n}.Value.StringValue`) ?? '';
  }
  return attributes;
}

/**
 * An SNS endpoint on 127.0.0.1 that speaks the Query protocol of `Publish` (what the AWS SDK sends)
 * and keeps every message instead of delivering it, so tests and `fluxguard simulate` can read the
 * alerts the worker published.
 *
 * @example
 * ```ts
 * const sns = await startCapturedSns();
 * const client = new SNSClient({ endpoint: sns.url, region: 'us-east-1', credentials });
 * // ... publish ...
 * sns.messages[0].attributes.state; // 'reverted'
 * ```
 */
export async function startCapturedSns({ latencyMs = 0 }: { latencyMs?: number } = {}): Promise<CapturedSns> {
  const messages: CapturedSnsMessage[] = [];
  let failures = 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const reply = () => {
        const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
        const requestId = randomUUID();
        if (failures > 0) {
          failures -= 1;
          response
            .writeHead(500, { 'content-type': 'text/xml' })
            .end(
              `<ErrorResponse><Error><Type>Receiver</Type><Code>InternalError</Code><Message>injected</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
            );
          return;
        }
        if (form.get('Action') !== 'Publish') {
          response
            .writeHead(400, { 'content-type': 'text/xml' })
            .end(
              `<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>only Publish</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
            );
          return;
        }
        const messageId = randomUUID();
        const subject = form.get('Subject');
        messages.push({
          topicArn: form.get('TopicArn') ?? '',
          message: form.get('Message') ?? '',
          ...(subject ? { subject } : {}),
          attributes: attributesOf(form),
          messageId,
        });
        response
          .writeHead(200, { 'content-type': 'text/xml' })
          .end(
            `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${messageId}</MessageId></PublishResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></PublishResponse>`,
          );
      };
      if (latencyMs > 0) setTimeout(reply, latencyMs);
      else reply();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    messages,
    failNext(count = 1) {
      failures = count;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
