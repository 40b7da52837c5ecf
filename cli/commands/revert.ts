import { type Command, ExitCode, stringOption, UsageError } from '../command.js';

const MODES = ['direct', 'pull-request', 'dry-run'] as const;

/**
 * `fluxguard revert`: restores a scope of a repository to its last known good revision through the
 * GitHub API (see docs/REVERT.md). Reads `GITHUB_TOKEN` and `GITHUB_API_URL` from the environment.
 */
export const revertCommand: Command = {
  name: 'revert',
  summary: 'Revert a failed rollout in git through the GitHub API (directly, as a pull request, or dry-run).',
  usage:
    'fluxguard revert --repo <o/r|url> --branch <b> --failing <sha> [--good <sha>] [--path <p>]... [--mode direct|pull-request|dry-run] [--incident <id>] [--json]',
  details: [
    'Options:',
    '  --repo       owner/name or the GitRepository URL (https, ssh or scp-like; GitHub Enterprise hosts too)',
    '  --branch     the branch Flux follows',
    '  --failing    the commit whose rollout failed',
    "  --good       the last known good commit (default: the failing commit's first parent)",
    "  --path       the Kustomization's spec.path; repeat for several; none means the whole repository",
    '  --mode       direct (default), pull-request or dry-run (writes nothing, prints the plan)',
    '  --incident   incident id for the Fluxguard-Incident trailer (default: cli-<time>)',
    '  --layer, --evidence, --link   context written into the commit message',
    '  --json       print the result as JSON',
    '',
    'Environment: GITHUB_TOKEN (required), GITHUB_API_URL (default https://api.github.com; GitHub Enterprise',
    'Server: https://ghe.example.com/api/v3). The token goes only to GITHUB_API_URL: a --repo URL on another',
    'host is refused (exit 64); a bare owner/name is taken to be on that GitHub.',
    '',
    'Exit codes: 0 reverted, pull request opened, already reverted, nothing to revert or planned;',
    '1 refused (revert of a revert, good not an ancestor, nothing in scope, branch kept moving, too far back)',
    'or timed out; 64 usage (also a --repo on another host than GITHUB_API_URL);',
    '69 GitHub unavailable, credentials lacking a permission, repository or branch not found.',
  ].join('\n'),
  options: {
    repo: { type: 'string' },
    branch: { type: 'string' },
    failing: { type: 'string' },
    good: { type: 'string' },
    path: { type: 'string', multiple: true },
    mode: { type: 'string' },
    incident: { type: 'string' },
    layer: { type: 'string' },
    evidence: { type: 'string' },
    link: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(values, _positionals, io) {
    const repoOption = stringOption(values, 'repo', true);
    const branch = stringOption(values, 'branch', true);
    const failing = stringOption(values, 'failing', true);
    const good = stringOption(values, 'good');
    const mode = (stringOption(values, 'mode') ?? 'direct') as (typeof MODES)[number];
    if (!MODES.includes(mode))
      throw new UsageError(`--mode must be one of ${MODES.join(', ')}, got "${mode}"`);
    const paths = ((values.path as string[] | undefined) ?? []).map(String);
    const token = io.env.GITHUB_TOKEN;
    if (!token) throw new UsageError('GITHUB_TOKEN is not set');
    const apiUrl = io.env.GITHUB_API_URL?.trim() || undefined;

    // Loaded here so `fluxguard --help` does not pay for Octokit.
    const revert = await import('../../lambdas/revert/index.js');
    let engine: Awaited<ReturnType<typeof revert.createRevertEngine>>;
    try {
      // A bare owner/name is on the configured GitHub; a URL must name that host.
      const repository = revert.parseRepositoryUrl(
        repoOption,
        revert.gitHubHostOf(apiUrl ?? revert.DEFAULT_GITHUB_API_URL),
      );
      engine = await revert.createRevertEngine({
        repository,
        ...(apiUrl ? { apiUrl } : {}),
        credentials: revert.parseGitHubCredentials(token, 'GITHUB_TOKEN'),
        budgetMs: 120_000,
      });
    } catch (error) {
      if (
        error instanceof revert.RepositoryUrlError ||
        error instanceof revert.RepositoryHostError ||
        error instanceof revert.GitHubApiUrlError ||
        error instanceof revert.GitHubCredentialsError
      ) {
        throw new UsageError(error.message);
      }
      throw error;
    }
    try {
      const result = await engine.revert({
        branch,
        failing,
        ...(good ? { good } : {}),
        scope: paths,
        mode,
        incident: {
          id: stringOption(values, 'incident') ?? `cli-${new Date().toISOString()}`,
          ...(stringOption(values, 'layer') ? { layer: stringOption(values, 'layer') } : {}),
          ...(stringOption(values, 'evidence') ? { evidence: stringOption(values, 'evidence') } : {}),
          ...(stringOption(values, 'link') ? { link: stringOption(values, 'link') } : {}),
        },
      });
      if (values.json) io.stdout(JSON.stringify(result, null, 2));
      else {
        const link = result.pullRequestUrl ?? result.commitUrl;
        io.stdout(`${result.outcome}: ${result.reason}${link ? `\n${link}` : ''}`);
        if (result.outcome === 'planned' && result.plan) {
          for (const c of result.plan.changes)
            io.stdout(
              `  ${c.content !== undefined ? 'edit   ' : c.sha === null ? 'delete ' : 'restore'} ${c.path}`,
            );
        }
      }
      return result.outcome === 'refused' || result.outcome === 'timed-out' ? ExitCode.failed : ExitCode.ok;
    } catch (error) {
      if (error instanceof revert.GitHubError) {
        io.stderr(`error: ${error.message}`);
        return ExitCode.unavailable;
      }
      throw error;
    }
  },
};
