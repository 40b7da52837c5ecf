import { fileURLToPath } from 'node:url';
import { type Command, ExitCode, stringOption, UsageError } from '../command.js';

/** How much faster than real time `--fast` plays a story. */
export const FAST_SCALE = 10;

/** `fluxguard simulate`: the whole loop on this machine, from a bad image update to recovery. */
export const simulateCommand: Command = {
  name: 'simulate',
  summary:
    'Play a failed rollout end to end on this machine: Flux, the webhook, the worker, git and the alerts.',
  usage: 'fluxguard simulate [--story <name>] [--fast] [--json] [--list]',
  details: [
    'Starts, on 127.0.0.1 only: a GitHub stand-in over a real git repository seeded with this',
    "project's gitops/ tree, a Kubernetes API stand-in with a small Flux and kubelet, the",
    'flux-webhook handler behind a real HTTP server, the incident worker, DynamoDB (dynalite, in',
    'process) and a captured alert topic, each alert printed as the Slack message reads, in its',
    'thread. No AWS account, cluster, GitHub or network is needed.',
    '',
    'Options:',
    '  --story <name>   the story to play (default image-crashloop; --list shows them)',
    `  --fast           compress every wait ${FAST_SCALE}x, so a story runs in seconds (times shown`,
    '                   are story times: processing time is compressed too, so it reads longer)',
    '  --json           print the run as one JSON object instead of the readable timeline',
    '  --list           list the stories and exit',
    '',
    'Exit codes: 0 every expected step happened and nothing unexpected did; 1 otherwise (a',
    'check or an invariant did not hold, or the story stalled); 64 usage.',
  ].join('\n'),
  options: {
    story: { type: 'string' },
    fast: { type: 'boolean' },
    json: { type: 'boolean' },
    list: { type: 'boolean' },
  },
  async run(values, positionals, io) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const [{ DEFAULT_STORY, STORIES, runStory, clockText }, { renderSlackMessage }, { slackMessageLines }] =
      await Promise.all([
        import('../../sandbox/index.js'),
        import('../../lambdas/alerts/index.js'),
        import('../slack-terminal.js'),
      ]);
    if (values.list === true) {
      for (const story of Object.values(STORIES)) io.stdout(`${story.name.padEnd(18)} ${story.summary}`);
      return ExitCode.ok;
    }
    const name = stringOption(values, 'story') ?? DEFAULT_STORY;
    const story = STORIES[name];
    if (!story) {
      throw new UsageError(`unknown story "${name}"; stories: ${Object.keys(STORIES).join(', ')}`);
    }
    const json = values.json === true;
    const scale = values.fast === true ? FAST_SCALE : 1;
    const root = fileURLToPath(new URL('../../', import.meta.url));
    if (!json) {
      io.stdout(`fluxguard simulate: ${story.name}${scale > 1 ? ` (--fast: ${scale}x)` : ''}`);
      io.stdout(story.summary);
      io.stdout('');
    }
    const run = await runStory(story, {
      root,
      scale,
      ...(json
        ? {}
        : { onStep: (step) => io.stdout(`${clockText(step.atMs)}  ${step.actor.padEnd(7)}  ${step.text}`) }),
    });
    if (json) {
      io.stdout(
        JSON.stringify({
          story: run.story,
          scale,
          ok: run.problems.length === 0,
          problems: run.problems,
          timeline: run.timeline.steps,
          gitLog: run.gitLog,
          pullRequests: run.pullRequests,
          alerts: run.alerts,
          wallMs: Math.round(run.wallMs),
        }),
      );
    } else {
      io.stdout('');
      io.stdout('git log --oneline main');
      for (const line of run.gitLog) io.stdout(`  ${line}`);
      if (run.pullRequests.length > 0) {
        io.stdout('');
        io.stdout('pull requests');
        for (const line of run.pullRequests) io.stdout(`  ${line}`);
      }
      // Each alert as the slack-notifier posts it: the first of an incident starts its thread,
      // the later ones are replies in that thread.
      const threads = new Set<string>();
      for (const alert of run.alerts) {
        const reply = threads.has(alert.incidentId);
        threads.add(alert.incidentId);
        io.stdout('');
        io.stdout(
          reply
            ? `  ↳ Slack: reply in thread ${alert.incidentId} ${'─'.repeat(30)}`
            : `── Slack: new message, thread ${alert.incidentId} ${'─'.repeat(30)}`,
        );
        for (const line of slackMessageLines(renderSlackMessage(alert))) {
          io.stdout(`${reply ? '  │ ' : '  '}${line}`);
        }
      }
      io.stdout('');
      if (run.problems.length === 0) {
        io.stdout(`ok: every expected step happened (${(run.wallMs / 1000).toFixed(1)} s)`);
      } else {
        for (const problem of run.problems) io.stdout(`not ok: ${problem}`);
      }
    }
    return run.problems.length === 0 ? ExitCode.ok : ExitCode.failed;
  },
};
