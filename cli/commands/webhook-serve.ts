import { type Command, ExitCode, integerOption, keyOption, stringOption, UsageError } from '../command.js';

/** Resolves with the first SIGINT or SIGTERM, and stops listening for them then. */
function untilStopSignal(): Promise<NodeJS.Signals> {
  return new Promise<NodeJS.Signals>((resolve) => {
    const stop = (received: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(received);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** `fluxguard webhook serve`: the webhook handler behind a local HTTP server, for a local Flux. */
export const webhookServeCommand: Command = {
  name: 'webhook serve',
  summary: 'Run the flux-webhook handler behind a local HTTP server (for kind/k3d development).',
  usage:
    'fluxguard webhook serve [--port 8080] [--host 127.0.0.1] [--key <token> | --key-file <path>] [--cluster <name>] [--alertmanager-token <token>]',
  details: [
    'Serves the same handler as the Lambda: POST a Flux generic-hmac event to any path, and an',
    'Alertmanager webhook notification (payload version 4, Authorization: Bearer) to /alertmanager.',
    'Accepted events go to INCIDENT_QUEUE_URL when it is set (SQS, default AWS credentials,',
    'region and AWS_ENDPOINT_URL); otherwise each queue message is printed to stdout as one JSON',
    'line. One line per request goes to stderr. Stops cleanly on SIGINT or SIGTERM.',
    '',
    'Options:',
    '  --port <n>           port to listen on (default 8080; 0 picks a free one)',
    '  --host <addr>        address to listen on (default 127.0.0.1; 0.0.0.0 for a kind cluster)',
    '  --key <token>        the HMAC key, as in the Provider secret "token" (used untrimmed)',
    '  --key-file <path>    read the key from a file, untrimmed',
    '  --cluster <name>     cluster name for events without "cluster" metadata (default CLUSTER_NAME)',
    '  --alertmanager-token <token>',
    '                       serve /alertmanager, accepting this bearer token (else the Secrets Manager',
    '                       secret ALERTMANAGER_TOKEN_SECRET_ARN when set; otherwise /alertmanager is 404)',
    '',
    'Without --key/--key-file the key is read from the Secrets Manager secret WEBHOOK_SECRET_ARN.',
    'Environment: INCIDENT_QUEUE_URL, WEBHOOK_SECRET_ARN, ALERTMANAGER_TOKEN_SECRET_ARN, MAX_BODY_BYTES, CLUSTER_NAME,',
    'POWERTOOLS_LOG_LEVEL (default WARN here).',
    '',
    'Exit codes: 0 stopped by a signal; 64 usage (or a bad MAX_BODY_BYTES); 69 the port is in use.',
  ].join('\n'),
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    key: { type: 'string' },
    'key-file': { type: 'string' },
    cluster: { type: 'string' },
    'alertmanager-token': { type: 'string' },
  },
  async run(values, positionals, io) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    // Listen for the stop signals first, so one that arrives while starting up still ends cleanly.
    const stopped = untilStopSignal();
    const port = integerOption(values, 'port', 8080, { min: 0, max: 65_535 });
    const host = stringOption(values, 'host') ?? '127.0.0.1';
    const key = await keyOption(values);
    const secretArn = io.env.WEBHOOK_SECRET_ARN?.trim();
    if (key === undefined && !secretArn) {
      throw new UsageError('give --key or --key-file, or set WEBHOOK_SECRET_ARN');
    }
    const [
      { Logger },
      { ConfigError, integerEnv },
      { createWebhookDeps, DEFAULT_MAX_BODY_BYTES },
      { startWebhookServer },
    ] = await Promise.all([
      import('@aws-lambda-powertools/logger'),
      import('../../lambdas/aws/index.js'),
      import('../../lambdas/webhook/index.js'),
      import('../local-webhook-server.js'),
    ]);
    let maxBodyBytes: number;
    try {
      maxBodyBytes = integerEnv(io.env, 'MAX_BODY_BYTES', {
        fallback: DEFAULT_MAX_BODY_BYTES,
        min: 1,
        max: 6_291_456,
      });
    } catch (error) {
      if (error instanceof ConfigError) throw new UsageError(error.message);
      throw error;
    }
    const queueUrl = io.env.INCIDENT_QUEUE_URL?.trim();
    const clusterName = stringOption(values, 'cluster') ?? io.env.CLUSTER_NAME?.trim();
    const alertmanagerToken = stringOption(values, 'alertmanager-token');
    const alertmanagerSecretArn = io.env.ALERTMANAGER_TOKEN_SECRET_ARN?.trim();
    const deps = createWebhookDeps(
      {
        keys: key !== undefined ? { key } : { secretArn: secretArn ?? '' },
        queue: queueUrl ? { url: queueUrl } : { print: io.stdout },
        maxBodyBytes,
        ...(clusterName ? { clusterName } : {}),
        ...(alertmanagerToken !== undefined
          ? { alertmanagerToken: { token: alertmanagerToken } }
          : alertmanagerSecretArn
            ? { alertmanagerToken: { secretArn: alertmanagerSecretArn } }
            : {}),
      },
      { env: io.env },
    );
    const logLevel = (io.env.POWERTOOLS_LOG_LEVEL ?? 'WARN').toUpperCase() as 'WARN';

    let server: Awaited<ReturnType<typeof startWebhookServer>>;
    try {
      server = await startWebhookServer({
        host,
        port,
        deps,
        logger: new Logger({ serviceName: 'flux-webhook', logLevel }),
        log: io.stderr,
      });
    } catch (error) {
      io.stderr(`error: cannot listen on ${host}:${port}: ${(error as Error).message}`);
      return ExitCode.unavailable;
    }
    io.stderr(
      `fluxguard webhook listening on ${server.url} (${queueUrl ? `queue ${queueUrl}` : 'printing events to stdout'})`,
    );

    const signal = await stopped;
    io.stderr(`${signal}: stopping`);
    await server.close();
    return ExitCode.ok;
  },
};
