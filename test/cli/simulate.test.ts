/**
 * `fluxguard simulate` as a command: its stories, its usage errors and its JSON. The stories
 * themselves are played by test/simulation/stories-*.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../cli/command.js';
import { main } from '../../cli/main.js';
import { STORIES } from '../../sandbox/index.js';
import { captureIO } from '../support/capture-io.js';

describe('fluxguard simulate', () => {
  it('lists every story with its summary', async () => {
    // Prepare
    const io = captureIO();

    // Act
    const code = await main(['simulate', '--list'], io);

    // Assert
    expect(code).toBe(ExitCode.ok);
    expect(io.out.map((line) => line.split(' ')[0])).toEqual(Object.keys(STORIES));
  });

  it('refuses an unknown story with the usage exit code, naming the stories', async () => {
    // Prepare
    const io = captureIO();

    // Act
    const code = await main(['simulate', '--story', 'no-such-story'], io);

    // Assert
    expect(code).toBe(ExitCode.usage);
    expect(io.err.join('\n')).toContain('image-crashloop');
  });

  it('refuses a positional argument', async () => {
    // Prepare
    const io = captureIO();

    // Act
    const code = await main(['simulate', 'image-crashloop'], io);

    // Assert
    expect(code).toBe(ExitCode.usage);
  });

  it('plays a story with --fast --json: one JSON object whose verdict matches the exit code', async () => {
    // Prepare
    const io = captureIO();

    // Act
    const code = await main(['simulate', '--story', 'inconclusive-403', '--fast', '--json'], io);

    // Assert
    expect(io.out).toHaveLength(1);
    const run = JSON.parse(io.out[0] ?? '{}') as {
      ok: boolean;
      problems: string[];
      timeline: Array<{ kind: string; atMs: number }>;
      gitLog: string[];
    };
    expect(run.problems).toEqual([]);
    expect(code).toBe(run.ok ? ExitCode.ok : ExitCode.failed);
    expect(run.timeline.map((s) => s.kind)).toContain('alert');
    expect(run.timeline.every((s, i, all) => i === 0 || s.atMs >= (all[i - 1]?.atMs ?? 0))).toBe(true);
    expect(run.gitLog.length).toBeGreaterThan(0);
  }, 240_000);

  it('reports a story that stalls as a failed run, with exit code 1 and its JSON, not as a crash', async () => {
    // Prepare
    const io = captureIO();
    STORIES['stalls-for-test'] = {
      name: 'stalls-for-test',
      summary: 'waits for a revert that nothing causes',
      images: {},
      play: async (world) => {
        await world.waitFor('revert-pushed', {}, { limitMs: 5_000 });
      },
      checks: [{ name: 'a revert was pushed', holds: (r) => r.timeline.find('revert-pushed').length > 0 }],
    };

    // Act
    const code = await main(['simulate', '--story', 'stalls-for-test', '--fast', '--json'], io).finally(
      () => {
        delete STORIES['stalls-for-test'];
      },
    );

    // Assert
    expect(code).toBe(ExitCode.failed);
    expect(io.out).toHaveLength(1);
    const run = JSON.parse(io.out[0] ?? '{}') as { ok: boolean; problems: string[] };
    expect(run.ok).toBe(false);
    expect(run.problems).toContainEqual(
      expect.stringMatching(/^the story stopped: the story waited 5 s for revert-pushed/),
    );
    expect(run.problems).toContain('expected: a revert was pushed');
  }, 120_000);
});
