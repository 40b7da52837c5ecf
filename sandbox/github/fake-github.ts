/**
 * A GitHub REST server over a real git repository, for tests, benchmarks and simulations.
 *
 * @module
 */
import { createVerify, type KeyObject, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GitRepo } from './git-repo.js';

/** One request the fake served, for counting and assertions. */
export interface RecordedRequest {
  method: string;
  path: string;
  body?: unknown;
}

/** An error the fake answers instead of handling a request. */
export interface Fault {
  method: string;
  /** Matched against the path (without query string). */
  path: RegExp;
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** How many matching requests fail (default 1). */
  times?: number;
}

/** Options of {@link FakeGitHub}. */
export interface FakeGitHubOptions {
  repo: GitRepo;
  owner?: string;
  name?: string;
  /** Accepted static tokens (default `test-token`). */
  tokens?: string[];
  /** Delay added to every request, in ms. */
  latencyMs?: number;
  /** A GitHub App whose JWTs are verified with `publicKey`; minted tokens are then accepted. */
  app?: { appId: string; installationId: number; publicKey: KeyObject };
  /** Branches whose direct update is refused as protected. */
  protectedBranches?: string[];
  /** GitHub logins by commit author email, as GitHub matches them (e.g. `{ 'dev@example.test': 'dev' }`). */
  logins?: Record<string, string>;
}

/** A pull request the fake holds. */
export interface FakePullRequest {
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  state: 'open';
  draft: boolean;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** A raw commit object (`git cat-file commit`) as the fields the REST shapes need. */
function parseCommit(sha: string, raw: string) {
  const split = raw.indexOf('\n\n');
  const headers = raw.slice(0, split).split('\n');
  const person = (line: string | undefined) => {
    const p = /^\w+ (.*) <(.*)> (\d+) ([+-]\d{4})$/.exec(line ?? '');
    return {
      name: p?.[1] ?? '',
      email: p?.[2] ?? '',
      date: new Date(Number(p?.[3] ?? 0) * 1000).toISOString().replace('.000', ''),
    };
  };
  return {
    sha,
    tree: (headers.find((h) => h.startsWith('tree ')) ?? '').slice(5),
    parents: headers.filter((h) => h.startsWith('parent ')).map((h) => h.slice(7)),
    author: person(headers.find((h) => h.startsWith('author '))),
    committer: person(headers.find((h) => h.startsWith('committer '))),
    message: raw.slice(split + 2),
  };
}

const DOCS = 'https://docs.github.com/rest';
const ZERO = '0'.repeat(40);
/** The most commits GitHub's comparison lists without pagination parameters. */
export const COMPARE_COMMIT_CAP = 250;

/**
 * A GitHub REST server on 127.0.0.1 for the Git Data endpoints the revert engine uses, backed by a
 * real bare git repository: reads use `git cat-file`/`ls-tree`/`diff`, writes use
 * `hash-object`/`update-index`/`write-tree`/`commit-tree`/`update-ref` (with the old value, so a
 * ref that moved between read and update is answered with 422 "Update is not a fast forward").
 */
export class FakeGitHub {
  readonly repo: GitRepo;
  readonly owner: string;
  readonly name: string;
  /** Every request served, in order. */
  readonly requests: RecordedRequest[] = [];
  readonly pulls: FakePullRequest[] = [];
  /** Milliseconds the fake spent in git and JSON work (injected latency excluded), summed over requests. */
  serverMs = 0;
  /**
   * Milliseconds during which at least one request was in the fake's git and JSON work: unlike
   * {@link serverMs}, time spent on requests handled in parallel counts once.
   */
  busyMs = 0;
  #handling = 0;
  #busySince = 0;
  /** Installation tokens minted through the App endpoint. */
  readonly minted: string[] = [];
  /** Runs before a request is handled (after latency); tests use it to race a push. */
  beforeHandle: ((request: RecordedRequest) => Promise<void>) | undefined;
  #faults: Fault[] = [];
  #tokens: Set<string>;
  #server: Server | undefined;
  #url = '';
  #scratch = '';
  readonly #options: FakeGitHubOptions;

  constructor(options: FakeGitHubOptions) {
    this.#options = options;
    this.repo = options.repo;
    this.owner = options.owner ?? 'acme';
    this.name = options.name ?? 'gitops';
    this.#tokens = new Set(options.tokens ?? ['test-token']);
  }

  /** The API base URL, e.g. `http://127.0.0.1:41234`. */
  get url(): string {
    return this.#url;
  }

  /** Starts listening on an ephemeral port. */
  async start(): Promise<this> {
    this.#scratch = await mkdtemp(join(tmpdir(), 'fluxguard-fake-index-'));
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: `fake: ${(error as Error).message}` }));
      });
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    this.#url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  /** Stops the server and removes its scratch space (not the repository). */
  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()));
    await rm(this.#scratch, { recursive: true, force: true });
  }

  /** Makes the next matching request(s) fail with the given answer. */
  fail(fault: Fault): void {
    this.#faults.push({ times: 1, ...fault });
  }

  /** Requests other than the App token endpoint, as `METHOD path`. */
  calls(): string[] {
    return this.requests.filter((r) => !r.path.startsWith('/app/')).map((r) => `${r.method} ${r.path}`);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const body: unknown = raw === '' ? undefined : JSON.parse(raw);
    const method = req.method ?? 'GET';
    const record: RecordedRequest = { method, path: url.pathname, ...(body === undefined ? {} : { body }) };
    this.requests.push(record);
    if (this.#options.latencyMs) await new Promise((r) => setTimeout(r, this.#options.latencyMs));
    if (this.beforeHandle) await this.beforeHandle(record);
    const started = performance.now();
    if (this.#handling === 0) this.#busySince = started;
    this.#handling += 1;
    let sent = false;

    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      if (sent) return;
      sent = true;
      res.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'x-github-request-id': randomBytes(4).toString('hex'),
        'x-ratelimit-remaining': '4999',
        ...headers,
      });
      res.end(payload === undefined ? '' : JSON.stringify(payload));
      const ended = performance.now();
      this.serverMs += ended - started;
      this.#handling -= 1;
      if (this.#handling === 0) this.busyMs += ended - this.#busySince;
    };

    const faultIndex = this.#faults.findIndex((f) => f.method === method && f.path.test(url.pathname));
    const fault = this.#faults[faultIndex];
    if (fault) {
      fault.times = (fault.times ?? 1) - 1;
      if (fault.times <= 0) this.#faults.splice(faultIndex, 1);
      send(fault.status, fault.body ?? { message: 'fault', documentation_url: DOCS }, fault.headers);
      return;
    }

    try {
      if (method === 'POST' && /^\/app\/installations\/\d+\/access_tokens$/.test(url.pathname)) {
        send(201, this.#mint(req.headers.authorization ?? '', url.pathname));
        return;
      }
      const auth = /^(?:token|bearer) (.+)$/i.exec(req.headers.authorization ?? '');
      if (!auth || !this.#tokens.has(auth[1] as string)) {
        throw new HttpError(401, 'Bad credentials');
      }
      const prefix = `/repos/${this.owner}/${this.name}`;
      if (!url.pathname.startsWith(prefix)) throw new HttpError(404, 'Not Found');
      const [status, payload] = await this.#route(
        method,
        decodeURIComponent(url.pathname.slice(prefix.length)),
        url.searchParams,
        body,
      );
      send(status, payload);
    } catch (error) {
      if (!(error instanceof HttpError)) {
        send(500, { message: `fake: ${(error as Error).message}` });
        return;
      }
      send(error.status, {
        message: error.message,
        documentation_url: DOCS,
        status: String(error.status),
        ...error.extra,
      });
    }
  }

  #mint(authorization: string, path: string): unknown {
    const app = this.#options.app;
    const jwt = /^bearer (.+)$/i.exec(authorization)?.[1];
    if (!app || !jwt) throw new HttpError(401, 'A JSON web token could not be decoded');
    const [header, payload, signature] = jwt.split('.') as [string, string, string];
    const verifier = createVerify('RSA-SHA256');
    verifier.update(`${header}.${payload}`);
    if (!verifier.verify(app.publicKey, Buffer.from(signature, 'base64url'))) {
      throw new HttpError(401, 'A JSON web token could not be decoded');
    }
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      iss: unknown;
      exp: number;
    };
    if (String(claims.iss) !== app.appId || claims.exp * 1000 < Date.now()) {
      throw new HttpError(401, "'Issuer' claim ('iss') must be an Integer");
    }
    if (!path.includes(`/${app.installationId}/`)) throw new HttpError(404, 'Not Found');
    const token = `ghs_fake${randomBytes(12).toString('hex')}`;
    this.#tokens.add(token);
    this.minted.push(token);
    return {
      token,
      expires_at: new Date(Date.now() + 3600_000).toISOString(),
      permissions: { contents: 'write' },
    };
  }

  async #route(
    method: string,
    path: string,
    query: URLSearchParams,
    body: unknown,
  ): Promise<[number, unknown]> {
    const b = (body ?? {}) as Record<string, unknown>;
    type Handler = (m: string[]) => Promise<[number, unknown]>;
    const routes: [string, RegExp, Handler][] = [
      ['GET', /^$/, async () => [200, { full_name: `${this.owner}/${this.name}`, default_branch: 'main' }]],
      [
        'GET',
        /^\/git\/ref\/heads\/(.+)$/,
        async (m) => [200, this.#ref(m[1] as string, await this.#resolveRef(m[1] as string))],
      ],
      [
        'PATCH',
        /^\/git\/refs\/heads\/(.+)$/,
        async (m) => [200, await this.#updateRef(m[1] as string, String(b.sha), b.force === true)],
      ],
      ['POST', /^\/git\/refs$/, async () => [201, await this.#createRef(String(b.ref), String(b.sha))]],
      [
        'GET',
        /^\/git\/commits\/([0-9a-f]{4,40})$/,
        async (m) => [200, await this.#gitCommit(await this.#commitSha(m[1] as string))],
      ],
      ['POST', /^\/git\/commits$/, async () => [201, await this.#createCommit(b)]],
      ['GET', /^\/commits\/(.+)$/, async (m) => [200, await this.#repoCommitWithFiles(m[1] as string)]],
      [
        'GET',
        /^\/compare\/(.+)\.\.\.(.+)$/,
        async (m) => [200, await this.#compare(m[1] as string, m[2] as string)],
      ],
      [
        'GET',
        /^\/git\/trees\/([0-9a-f]{40})$/,
        async (m) => [
          200,
          await this.#tree(m[1] as string, !['', '0', 'false'].includes(query.get('recursive') ?? '')),
        ],
      ],
      ['POST', /^\/git\/trees$/, async () => [201, await this.#createTree(b)]],
      ['GET', /^\/git\/blobs\/([0-9a-f]{40})$/, async (m) => [200, await this.#blob(m[1] as string)]],
      ['POST', /^\/pulls$/, async () => [201, await this.#createPull(b)]],
      ['GET', /^\/pulls$/, async () => [200, this.#listPulls(query)]],
    ];
    for (const [verb, pattern, handler] of routes) {
      const match = verb === method ? pattern.exec(path) : null;
      if (match) return handler([...match]);
    }
    throw new HttpError(404, 'Not Found');
  }

  #api(path: string): string {
    return `${this.#url}/repos/${this.owner}/${this.name}${path}`;
  }

  #web(path: string): string {
    return `https://github.com/${this.owner}/${this.name}${path}`;
  }

  #ref(branch: string, sha: string): unknown {
    return {
      ref: `refs/heads/${branch}`,
      node_id: `REF_${Buffer.from(branch).toString('base64url')}`,
      url: this.#api(`/git/refs/heads/${branch}`),
      object: { sha, type: 'commit', url: this.#api(`/git/commits/${sha}`) },
    };
  }

  async #resolveRef(branch: string): Promise<string> {
    const sha = await this.repo.revParse(`refs/heads/${branch}`).catch(() => '');
    if (!sha) throw new HttpError(404, 'Not Found');
    return sha;
  }

  async #commitSha(rev: string): Promise<string> {
    const sha = await this.repo.revParse(`${rev}^{commit}`).catch(() => '');
    if (!sha) throw new HttpError(404, 'Not Found');
    return sha;
  }

  async #updateRef(branch: string, sha: string, force: boolean): Promise<unknown> {
    const current = await this.#resolveRef(branch);
    if ((this.#options.protectedBranches ?? []).includes(branch)) {
      throw new HttpError(422, `Protected branch update failed for refs/heads/${branch}.`);
    }
    if ((await this.repo.gitStatus(['cat-file', '-e', `${sha}^{commit}`])) !== 0) {
      throw new HttpError(422, 'Object does not exist');
    }
    if (!force && (await this.repo.gitStatus(['merge-base', '--is-ancestor', current, sha])) !== 0) {
      throw new HttpError(422, 'Update is not a fast forward');
    }
    if ((await this.repo.gitStatus(['update-ref', `refs/heads/${branch}`, sha, current])) !== 0) {
      throw new HttpError(422, 'Update is not a fast forward');
    }
    return this.#ref(branch, sha);
  }

  async #createRef(ref: string, sha: string): Promise<unknown> {
    if (!/^refs\/heads\/.+/.test(ref)) throw new HttpError(422, 'Reference name must start with refs/heads/');
    if ((await this.repo.gitStatus(['cat-file', '-e', `${sha}^{commit}`])) !== 0) {
      throw new HttpError(422, 'Object does not exist');
    }
    if ((await this.repo.gitStatus(['update-ref', ref, sha, ZERO])) !== 0) {
      throw new HttpError(422, 'Reference already exists');
    }
    return this.#ref(ref.slice('refs/heads/'.length), sha);
  }

  /** Reads commits with one `git cat-file --batch` run, whatever their number. */
  async #readCommits(shas: readonly string[]) {
    if (shas.length === 0) return [];
    const out = await this.repo.gitBytes(['cat-file', '--batch'], { input: `${shas.join('\n')}\n` });
    const commits: ReturnType<typeof parseCommit>[] = [];
    for (let at = 0; at < out.length; ) {
      const eol = out.indexOf(10, at);
      const [sha, type, size] = out.subarray(at, eol).toString('utf8').split(' ') as [string, string, string];
      if (type !== 'commit') throw new HttpError(404, 'Not Found');
      const start = eol + 1;
      commits.push(parseCommit(sha, out.subarray(start, start + Number(size)).toString('utf8')));
      at = start + Number(size) + 1;
    }
    return commits;
  }

  async #readCommit(sha: string) {
    return (await this.#readCommits([sha]))[0] as ReturnType<typeof parseCommit>;
  }

  async #gitCommit(sha: string): Promise<Record<string, unknown>> {
    const c = await this.#readCommit(sha);
    return {
      sha,
      node_id: `C_${sha.slice(0, 12)}`,
      url: this.#api(`/git/commits/${sha}`),
      html_url: this.#web(`/commit/${sha}`),
      author: c.author,
      committer: c.committer,
      tree: { sha: c.tree, url: this.#api(`/git/trees/${c.tree}`) },
      message: c.message,
      parents: c.parents.map((p) => ({
        sha: p,
        url: this.#api(`/git/commits/${p}`),
        html_url: this.#web(`/commit/${p}`),
      })),
      verification: {
        verified: false,
        reason: 'unsigned',
        signature: null,
        payload: null,
        verified_at: null,
      },
    };
  }

  /** The REST "commit" shape used by compare and GET /commits/{ref}. */
  async #repoCommit(sha: string): Promise<Record<string, unknown>> {
    return this.#repoCommitJson(await this.#readCommit(sha));
  }

  #repoCommitJson(c: ReturnType<typeof parseCommit>): Record<string, unknown> {
    const sha = c.sha;
    const login = this.#options.logins?.[c.author.email];
    return {
      sha,
      node_id: `C_${sha.slice(0, 12)}`,
      // The GitHub user GitHub matched to the author's email, or null.
      author: login ? { login, type: 'User', html_url: `https://github.com/${login}` } : null,
      commit: {
        author: c.author,
        committer: c.committer,
        message: c.message.replace(/\n$/, ''),
        tree: { sha: c.tree, url: this.#api(`/git/trees/${c.tree}`) },
        url: this.#api(`/git/commits/${sha}`),
        comment_count: 0,
      },
      url: this.#api(`/commits/${sha}`),
      html_url: this.#web(`/commit/${sha}`),
      parents: c.parents.map((p) => ({
        sha: p,
        url: this.#api(`/commits/${p}`),
        html_url: this.#web(`/commit/${p}`),
      })),
    };
  }

  async #createCommit(b: Record<string, unknown>): Promise<unknown> {
    const tree = String(b.tree ?? '');
    if ((await this.repo.gitStatus(['cat-file', '-e', `${tree}^{tree}`])) !== 0) {
      throw new HttpError(422, 'Tree SHA does not exist');
    }
    const parents = (b.parents as string[] | undefined) ?? [];
    for (const p of parents) {
      if ((await this.repo.gitStatus(['cat-file', '-e', `${p}^{commit}`])) !== 0) {
        throw new HttpError(422, 'Parent SHA does not exist or is not a commit object');
      }
    }
    const sha = (
      await this.repo.git(['commit-tree', tree, ...parents.flatMap((p) => ['-p', p]), '-F', '-'], {
        input: String(b.message ?? ''),
        env: { GIT_AUTHOR_NAME: 'fluxguard[bot]', GIT_AUTHOR_EMAIL: 'fluxguard@users.noreply.github.test' },
      })
    ).trim();
    return this.#gitCommit(sha);
  }

  /** `git diff --raw -z -M` between two revisions, as GitHub's `files[]`. */
  async #files(from: string, to: string): Promise<Record<string, unknown>[]> {
    const raw = await this.repo.git(['diff', '--raw', '-z', '-M', '--no-abbrev', from, to]);
    const parts = raw.split('\0');
    const files: Record<string, unknown>[] = [];
    for (let i = 0; i + 1 < parts.length; ) {
      const meta = (parts[i] as string).replace(/^:/, '').split(' ');
      const [oldMode, newMode, oldSha, newSha, code] = meta as [string, string, string, string, string];
      const letter = code.charAt(0);
      if (letter === 'R' || letter === 'C') {
        const previous = parts[i + 1] as string;
        const filename = parts[i + 2] as string;
        files.push({
          sha: newSha,
          filename,
          status: letter === 'R' ? 'renamed' : 'copied',
          previous_filename: previous,
        });
        i += 3;
        continue;
      }
      const filename = parts[i + 1] as string;
      const status =
        letter === 'A'
          ? 'added'
          : letter === 'D'
            ? 'removed'
            : oldSha === newSha && oldMode !== newMode
              ? 'changed'
              : 'modified';
      files.push({ sha: letter === 'D' ? oldSha : newSha, filename, status });
      i += 2;
    }
    return files.map((f) => ({
      ...f,
      additions: 0,
      deletions: 0,
      changes: 0,
      blob_url: this.#web(`/blob/${to}/${String(f.filename)}`),
      raw_url: this.#web(`/raw/${to}/${String(f.filename)}`),
      contents_url: this.#api(`/contents/${String(f.filename)}?ref=${to}`),
    }));
  }

  async #repoCommitWithFiles(rev: string): Promise<unknown> {
    const sha = await this.#commitSha(rev);
    const commit = await this.#repoCommit(sha);
    const parent = (await this.#readCommit(sha)).parents[0];
    const files = (await this.#files(parent ?? (await this.#emptyTree()), sha)).slice(0, 300);
    return { ...commit, files, stats: { total: files.length, additions: 0, deletions: 0 } };
  }

  async #emptyTree(): Promise<string> {
    return (await this.repo.git(['hash-object', '-t', 'tree', '-w', '--stdin'], { input: '' })).trim();
  }

  /**
   * `GET /compare/{base}...{head}`: either side a SHA or a branch name. Like GitHub, it lists the
   * commits chronologically (not topologically) and, without pagination parameters, at most
   * {@link COMPARE_COMMIT_CAP} of them, the oldest first, so the last one listed is not the head
   * when `total_commits` is larger.
   */
  async #compare(baseRev: string, headRev: string): Promise<unknown> {
    const [base, head] = await Promise.all([this.#commitSha(baseRev), this.#commitSha(headRev)]);
    const mergeBase = (await this.repo.git(['merge-base', base, head]).catch(() => '')).trim();
    if (!mergeBase) throw new HttpError(404, `No common ancestor between ${baseRev} and ${headRev}.`);
    const count = async (range: string) =>
      Number((await this.repo.git(['rev-list', '--count', range])).trim());
    const [aheadBy, behindBy, listed] = await Promise.all([
      count(`${base}..${head}`),
      count(`${head}..${base}`),
      // GitHub lists compared commits as `git log --reverse` does: by date, oldest first, not in
      // topological order, so a side branch merged later interleaves with the main line.
      this.repo.git(['rev-list', '--reverse', `${mergeBase}..${head}`]),
    ]);
    const status =
      aheadBy === 0 && behindBy === 0
        ? 'identical'
        : behindBy === 0
          ? 'ahead'
          : aheadBy === 0
            ? 'behind'
            : 'diverged';
    const shas = listed.split('\n').filter((s) => s !== '');
    const [commits, files] = await Promise.all([
      this.#readCommits([base, mergeBase, ...shas.slice(0, COMPARE_COMMIT_CAP)]),
      this.#files(mergeBase, head),
    ]);
    const [baseCommit, mergeBaseCommit, ...listedCommits] = commits.map((c) => this.#repoCommitJson(c));
    return {
      url: this.#api(`/compare/${baseRev}...${headRev}`),
      html_url: this.#web(`/compare/${baseRev}...${headRev}`),
      base_commit: baseCommit,
      merge_base_commit: mergeBaseCommit,
      status,
      ahead_by: aheadBy,
      behind_by: behindBy,
      total_commits: shas.length,
      commits: listedCommits,
      files: files.slice(0, 300),
    };
  }

  async #tree(sha: string, recursive: boolean): Promise<unknown> {
    const ok = (await this.repo.gitStatus(['cat-file', '-e', `${sha}^{tree}`])) === 0;
    if (!ok) throw new HttpError(404, 'Not Found');
    const raw = await this.repo.git([
      'ls-tree',
      '-z',
      '-l',
      ...(recursive ? ['-r', '-t'] : []),
      `${sha}^{tree}`,
    ]);
    const tree = raw
      .split('\0')
      .filter((l) => l !== '')
      .map((line) => {
        const tab = line.indexOf('\t');
        const [mode, type, objectSha, size] = line.slice(0, tab).split(/\s+/) as [
          string,
          string,
          string,
          string,
        ];
        const path = line.slice(tab + 1);
        return {
          path,
          mode,
          type,
          sha: objectSha,
          ...(type === 'blob' ? { size: Number(size) } : {}),
          url: this.#api(`/git/${type === 'tree' ? 'trees' : 'blobs'}/${objectSha}`),
        };
      });
    // GitHub echoes the SHA it was asked for, even a commit SHA (see the recorded get-tree response).
    return { sha, url: this.#api(`/git/trees/${sha}`), tree, truncated: false };
  }

  async #createTree(b: Record<string, unknown>): Promise<unknown> {
    const entries =
      (b.tree as { path: string; mode: string; type: string; sha?: string | null; content?: string }[]) ?? [];
    const index = join(this.#scratch, `index-${randomBytes(6).toString('hex')}`);
    const env = { GIT_INDEX_FILE: index };
    const baseTree = b.base_tree ? String(b.base_tree) : undefined;
    if (baseTree) {
      if ((await this.repo.gitStatus(['cat-file', '-e', `${baseTree}^{tree}`])) !== 0) {
        throw new HttpError(422, 'base_tree is not a valid tree oid');
      }
      await this.repo.git(['read-tree', `${baseTree}^{tree}`], { env });
    } else {
      await this.repo.git(['read-tree', '--empty'], { env });
    }
    const existing = new Set(
      (await this.repo.git(['ls-files', '-z'], { env })).split('\0').filter((p) => p !== ''),
    );
    const lines: string[] = [];
    for (const entry of entries) {
      if (!/^(100644|100755|120000|160000|040000)$/.test(entry.mode)) {
        throw new HttpError(422, `Invalid tree info: mode ${entry.mode}`);
      }
      if (entry.sha === null) {
        if (!existing.has(entry.path)) {
          throw new HttpError(422, 'GitRPC::BadObjectState', { errors: [{ path: entry.path }] });
        }
        lines.push(`0 ${ZERO}\t${entry.path}`);
        continue;
      }
      let sha = entry.sha;
      if (entry.content !== undefined) {
        sha = (await this.repo.git(['hash-object', '-w', '--stdin'], { input: entry.content })).trim();
      }
      if (!sha || (entry.type !== 'commit' && (await this.repo.gitStatus(['cat-file', '-e', sha])) !== 0)) {
        throw new HttpError(422, `Invalid tree info: ${entry.path}`);
      }
      lines.push(`${entry.mode} ${sha}\t${entry.path}`);
    }
    await this.repo.git(['update-index', '--index-info'], { env, input: `${lines.join('\n')}\n` });
    const tree = (await this.repo.git(['write-tree'], { env })).trim();
    await rm(index, { force: true });
    return this.#tree(tree, false);
  }

  async #blob(sha: string): Promise<unknown> {
    if ((await this.repo.gitStatus(['cat-file', '-e', sha])) !== 0) throw new HttpError(404, 'Not Found');
    const content = await this.repo.readBlob(sha);
    return {
      sha,
      size: content.length,
      url: this.#api(`/git/blobs/${sha}`),
      content: content.toString('base64'),
      encoding: 'base64',
    };
  }

  async #createPull(b: Record<string, unknown>): Promise<unknown> {
    const head = String(b.head ?? '');
    const base = String(b.base ?? '');
    await this.#resolveRef(base);
    if (!(await this.repo.revParse(`refs/heads/${head}`).catch(() => ''))) {
      throw new HttpError(422, 'Validation Failed', {
        errors: [{ resource: 'PullRequest', field: 'head', code: 'invalid' }],
      });
    }
    if (this.pulls.some((p) => p.head === head && p.base === base)) {
      throw new HttpError(422, 'Validation Failed', {
        errors: [
          {
            resource: 'PullRequest',
            code: 'custom',
            message: `A pull request already exists for ${this.owner}:${head}.`,
          },
        ],
      });
    }
    const pull: FakePullRequest = {
      number: this.pulls.length + 1,
      title: String(b.title ?? ''),
      body: String(b.body ?? ''),
      head,
      base,
      state: 'open',
      draft: b.draft === true,
    };
    this.pulls.push(pull);
    return this.#pullJson(pull);
  }

  #pullJson(p: FakePullRequest): unknown {
    return {
      number: p.number,
      state: p.state,
      draft: p.draft,
      title: p.title,
      body: p.body,
      html_url: this.#web(`/pull/${p.number}`),
      url: this.#api(`/pulls/${p.number}`),
      head: { ref: p.head, label: `${this.owner}:${p.head}` },
      base: { ref: p.base, label: `${this.owner}:${p.base}` },
    };
  }

  #listPulls(query: URLSearchParams): unknown {
    const head = query.get('head');
    const base = query.get('base');
    return this.pulls
      .filter(
        (p) => (head === null || `${this.owner}:${p.head}` === head) && (base === null || p.base === base),
      )
      .map((p) => this.#pullJson(p));
  }
}
