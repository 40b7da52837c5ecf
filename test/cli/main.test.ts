import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { type Command, ExitCode, integerOption, UsageError } from '../../cli/command.js';
import { main } from '../../cli/main.js';
import { captureIO } from '../support/capture-io.js';

const run = promisify(execFile);

const echo: Command = {
  name: 'demo echo',
  summary: 'Echo a value.',
  usage: 'fluxguard demo echo --times <n> <word>',
  options: { times: { type: 'string' } },
  async run(values, positionals, io) {
    const times = integerOption(values, 'times', 1, { min: 1, max: 3 });
    if (positionals.length !== 1) throw new UsageError('expected exactly one word');
    io.stdout(Array(times).fill(positionals[0]).join(' '));
    return ExitCode.ok;
  },
};
const boom: Command = {
  name: 'demo boom',
  summary: 'Fail.',
  usage: 'fluxguard demo boom',
  options: {},
  async run() {
    throw new Error('kaput');
  },
};

describe('the fluxguard CLI', () => {
  it('runs the command named by the longest matching prefix with its options', async () => {
    // Prepare
    const io = captureIO();

    // Act
    const code = await main(['demo', 'echo', '--times', '2', 'hi'], io, [echo, boom]);

    // Assess
    expect(code).toBe(ExitCode.ok);
    expect(io.out).toEqual(['hi hi']);
  });

  it('prints command help on --help and exits 0', async () => {
    const io = captureIO();
    const code = await main(['demo', 'echo', '--help'], io, [echo]);
    expect(code).toBe(0);
    expect(io.out.join('')).toContain('Usage: fluxguard demo echo --times <n> <word>');
  });

  it.each([
    [['demo', 'echo', '--nope', 'x'], /Unknown option '--nope'/],
    [['demo', 'echo', '--times', 'many', 'x'], /--times must be a whole number/],
    [['demo', 'echo', '--times', '9', 'x'], /--times must be between 1 and 3/],
    [['demo', 'echo'], /expected exactly one word/],
    [['nothing'], /unknown command "nothing"/],
    [['demo'], /Usage: fluxguard demo <command>/],
    [[], /Commands:/],
  ])('exits 64 with a reason for the bad command line %j', async (argv, reason) => {
    const io = captureIO();
    const code = await main(argv, io, [echo, boom]);
    expect(code).toBe(ExitCode.usage);
    expect(io.err.join('\n')).toMatch(reason);
  });

  it('exits 70 and prints the message when a command throws unexpectedly', async () => {
    const io = captureIO();
    const code = await main(['demo', 'boom'], io, [echo, boom]);
    expect(code).toBe(ExitCode.internal);
    expect(io.err).toEqual(['error: kaput']);
  });

  it('runs as the package bin through npx on Node 24 with no build step', async () => {
    // Act
    const { stdout } = await run('npx', ['--no-install', 'fluxguard', 'version'], { cwd: process.cwd() });

    // Assess
    expect(stdout).toMatch(/^fluxguard \d+\.\d+\.\d+ \(node v24\./);
  });
});
