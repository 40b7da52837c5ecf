import { readFile, writeFile } from 'node:fs/promises';
import { type Command, ExitCode, keyOption, stringOption, UsageError } from '../command.js';

async function readInput(path: string): Promise<Buffer> {
  if (path !== '-') return readFile(path);
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** `fluxguard webhook sign`: the `X-Signature` header value Flux would send for a body. */
export const webhookSignCommand: Command = {
  name: 'webhook sign',
  summary: 'Print the X-Signature header value (generic-hmac) for a request body.',
  usage:
    'fluxguard webhook sign <file|-> (--key <token> | --key-file <path>) [--algorithm sha256] [--compact [--body-out <path>]]',
  details: [
    'Signs the exact bytes of <file> (or stdin for "-") with HMAC, as Flux notification-controller',
    'does for a generic-hmac Provider, and prints "<algorithm>=<hex>".',
    '',
    'Options:',
    '  --key <token>         the HMAC key (the Provider secret\'s "token"), used untrimmed',
    '  --key-file <path>     read the key from a file, untrimmed (a trailing newline is part of it,',
    '                        exactly as with kubectl create secret --from-file)',
    '  --algorithm <alg>     sha224, sha256 (default, what Flux sends), sha384 or sha512',
    '  --compact             sign the JSON compacted as Go writes it (<, >, & escaped as \\u003c …),',
    '                        i.e. the bytes Flux would send for a pretty-printed event file',
    '  --body-out <path>     with --compact, also write the signed bytes to <path>',
    '',
    'Exit codes: 0 printed; 1 the file cannot be read or (with --compact) is not JSON; 64 usage.',
  ].join('\n'),
  options: {
    key: { type: 'string' },
    'key-file': { type: 'string' },
    algorithm: { type: 'string' },
    compact: { type: 'boolean' },
    'body-out': { type: 'string' },
  },
  async run(values, positionals, io) {
    if (positionals.length !== 1) throw new UsageError('expected exactly one <file> (or "-" for stdin)');
    const key = await keyOption(values);
    if (key === undefined) throw new UsageError('missing required option --key (or --key-file)');
    const algorithm = stringOption(values, 'algorithm') ?? 'sha256';
    const bodyOut = stringOption(values, 'body-out');
    if (bodyOut !== undefined && !values.compact) throw new UsageError('--body-out needs --compact');
    const [{ SIGNATURE_ALGORITHMS, signBody }, { goJsonStringify }] = await Promise.all([
      import('../../lambdas/webhook/index.js'),
      import('../../lambdas/flux/index.js'),
    ]);
    if (!(SIGNATURE_ALGORITHMS as readonly string[]).includes(algorithm)) {
      throw new UsageError(
        `--algorithm must be one of ${SIGNATURE_ALGORITHMS.join(', ')}, got "${algorithm}"`,
      );
    }
    let body: Buffer;
    try {
      body = await readInput(positionals[0] ?? '-');
    } catch (error) {
      io.stderr(`error: cannot read ${positionals[0]}: ${(error as Error).message}`);
      return ExitCode.failed;
    }
    if (values.compact) {
      try {
        body = Buffer.from(goJsonStringify(JSON.parse(body.toString('utf8'))));
      } catch (error) {
        io.stderr(`error: --compact needs a JSON file: ${(error as Error).message}`);
        return ExitCode.failed;
      }
      if (bodyOut !== undefined) await writeFile(bodyOut, body);
    }
    io.stdout(signBody(body, key, algorithm as (typeof SIGNATURE_ALGORITHMS)[number]));
    return ExitCode.ok;
  },
};
