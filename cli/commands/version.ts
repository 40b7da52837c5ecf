import { readFile } from 'node:fs/promises';
import { type Command, ExitCode } from '../command.js';

/** `fluxguard version`: the package version and the Node.js running it. */
export const versionCommand: Command = {
  name: 'version',
  summary: 'Print the fluxguard version and the Node.js version running it.',
  usage: 'fluxguard version',
  options: {},
  async run(_values, _positionals, io) {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    io.stdout(`fluxguard ${pkg.version} (node ${process.version})`);
    return ExitCode.ok;
  },
};
