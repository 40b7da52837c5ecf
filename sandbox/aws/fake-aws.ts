import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the fake AWS endpoint received. */
export interface FakeAwsCalls {
  getSecretValue: { SecretId: string; VersionStage?: string }[];
  sendMessage: {
    QueueUrl: string;
    MessageBody: string;
    MessageGroupId?: string;
    MessageDeduplicationId?: string;
  }[];
}

/**
 * A local AWS-compatible endpoint speaking the JSON protocol of Secrets Manager `GetSecretValue`
 * and SQS `SendMessage` (with FIFO deduplication), for `AWS_ENDPOINT_URL` runs of the bundle.
 */
export async function startFakeAws(
  secretString: string,
): Promise<{ url: string; calls: FakeAwsCalls; close: () => Promise<void> }> {
  const calls: FakeAwsCalls = { getSecretValue: [], sendMessage: [] };
  const seen = new Map<string, string>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const target = String(request.headers['x-amz-target'] ?? '');
      const input = JSON.parse(Buffer.concat(chunks).toString() || '{}') as Record<string, string>;
      const reply = (status: number, body: unknown) => {
        response
          .writeHead(status, { 'content-type': 'application/x-amz-json-1.1' })
          .end(JSON.stringify(body));
      };
      if (target === 'secretsmanager.GetSecretValue') {
        calls.getSecretValue.push({ SecretId: input.SecretId ?? '', VersionStage: input.VersionStage });
        if (input.VersionStage === 'AWSPREVIOUS') {
          reply(400, { __type: 'ResourceNotFoundException', message: 'no AWSPREVIOUS version' });
          return;
        }
        reply(200, {
          ARN: input.SecretId,
          Name: 'webhook',
          SecretString: secretString,
          VersionStages: ['AWSCURRENT'],
        });
        return;
      }
      if (target === 'AmazonSQS.SendMessage') {
        calls.sendMessage.push(input as FakeAwsCalls['sendMessage'][number]);
        const dedup = input.MessageDeduplicationId ?? '';
        const messageId = seen.get(dedup) ?? randomUUID();
        seen.set(dedup, messageId);
        const md5 = createHash('md5')
          .update(input.MessageBody ?? '')
          .digest('hex');
        reply(200, { MessageId: messageId, MD5OfMessageBody: md5 });
        return;
      }
      reply(400, { __type: 'UnknownOperationException', message: target });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
