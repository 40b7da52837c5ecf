import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsClientTimeouts } from '../../../lambdas/aws/index.js';

let server: Server;
let endpoint: string;
const stalled = new Set<{ destroy(): void }>();

beforeAll(async () => {
  // Accepts every request and never answers, like a stalled endpoint.
  server = createServer((request) => {
    stalled.add(request.socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const socket of stalled) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

describe('awsClientTimeouts', () => {
  it('makes a call to an endpoint that never answers fail instead of hanging the invocation', async () => {
    // Prepare
    const sns = new SNSClient({
      endpoint,
      region: 'eu-central-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      maxAttempts: 1,
      ...awsClientTimeouts({ requestTimeoutMs: 300 }),
    });

    // Act
    const call = sns.send(new ListTopicsCommand({}));

    // Assess
    await expect(call).rejects.toThrow(/timed? ?out|timeout/i);
  });

  it('asks the SDK to throw when the request timeout passes, which it otherwise only logs', () => {
    expect(awsClientTimeouts()).toEqual({
      requestHandler: { connectionTimeout: 3_000, requestTimeout: 5_000, throwOnRequestTimeout: true },
    });
  });
});
