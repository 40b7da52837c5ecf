/**
 * Where accepted events go: the SQS FIFO incident queue in the Lambda, or a line on stdout for
 * `fluxguard webhook serve` without a queue.
 *
 * @module
 */
import { SendMessageCommand, type SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';

/**
 * SQS client options that keep the SDK's default endpoint resolution working with
 * `AWS_ENDPOINT_URL`. By default the SQS client sends each request to the host of its `QueueUrl`
 * (`useQueueUrlAsEndpoint`), which would bypass an endpoint configured only through the
 * environment; so when `AWS_ENDPOINT_URL` or `AWS_ENDPOINT_URL_SQS` is set (and not ignored by
 * `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`), the configured endpoint wins.
 */
export function sqsClientConfig(env: NodeJS.ProcessEnv): SQSClientConfig {
  const ignored = env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === 'true';
  const configured = Boolean(env.AWS_ENDPOINT_URL_SQS || env.AWS_ENDPOINT_URL);
  return configured && !ignored ? { useQueueUrlAsEndpoint: false } : {};
}

/** One message for the incident queue. */
export interface QueueMessage {
  /** The JSON body. */
  body: string;
  /** FIFO `MessageGroupId`: cluster/namespace/kind/name. */
  groupId: string;
  /** FIFO `MessageDeduplicationId`: sha256 of the raw request body. */
  deduplicationId: string;
}

/** A queue that takes incident messages. */
export interface IncidentQueue {
  /**
   * Sends one message and resolves with the queue's message id when it has one.
   *
   * @throws {QueueError} when the message was not accepted
   */
  send(message: QueueMessage): Promise<{ messageId?: string }>;
}

/** The queue did not take a message; the webhook answers 5xx so that Flux retries. */
export class QueueError extends Error {
  override name = 'QueueError';
}

/** The SQS FIFO incident queue. The client uses the SDK's default region and endpoint resolution. */
export class SqsIncidentQueue implements IncidentQueue {
  readonly #client: SQSClient;
  readonly #queueUrl: string;

  constructor(client: SQSClient, queueUrl: string) {
    this.#client = client;
    this.#queueUrl = queueUrl;
  }

  async send({ body, groupId, deduplicationId }: QueueMessage): Promise<{ messageId?: string }> {
    try {
      const output = await this.#client.send(
        new SendMessageCommand({
          QueueUrl: this.#queueUrl,
          MessageBody: body,
          MessageGroupId: groupId,
          MessageDeduplicationId: deduplicationId,
        }),
      );
      return output.MessageId === undefined ? {} : { messageId: output.MessageId };
    } catch (error) {
      throw new QueueError(`SQS SendMessage failed: ${(error as Error).name}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
}

/** Writes each message body as one line, for local development without a queue. */
export class LineQueue implements IncidentQueue {
  readonly #write: (line: string) => void;

  constructor(write: (line: string) => void) {
    this.#write = write;
  }

  async send({ body }: QueueMessage): Promise<{ messageId?: string }> {
    this.#write(body);
    return {};
  }
}
