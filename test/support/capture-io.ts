import type { CommandIO } from '../../cli/command.js';

/** A {@link CommandIO} that records what a CLI command writes, for tests. */
export type CapturedIO = CommandIO & { out: string[]; err: string[] };

/** Records stdout and stderr lines in `out` and `err`; the command sees `env` as its environment. */
export function captureIO(env: NodeJS.ProcessEnv = {}): CapturedIO {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), env };
}
