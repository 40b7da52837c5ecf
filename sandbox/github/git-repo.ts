/**
 * A bare git repository in a temporary directory, driven with git plumbing: the storage behind the fake GitHub.
 *
 * @module
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** A file in a test commit: text or bytes, with an optional mode (default 100644). */
export interface FileSpec {
  content: string | Buffer;
  mode?: '100644' | '100755' | '120000';
}

/** One commit to build: files to set (`null` deletes) and renames, applied in that order. */
export interface CommitSpec {
  message: string;
  files?: Record<string, string | Buffer | FileSpec | null>;
  renames?: [from: string, to: string][];
  /** The author and committer (default `Dev <dev@example.test>`). */
  author?: { name: string; email: string };
}

/** The environment every git call runs in: no user or system config, no signing, fixed identity. */
const gitEnv = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Fake GitHub',
  GIT_AUTHOR_EMAIL: 'fake@github.test',
  GIT_COMMITTER_NAME: 'Fake GitHub',
  GIT_COMMITTER_EMAIL: 'fake@github.test',
};

/** A bare git repository in a temporary directory, driven with git plumbing. */
export class GitRepo {
  readonly dir: string;
  #clock = 1_760_000_000;

  private constructor(dir: string) {
    this.dir = dir;
  }

  /** Creates an empty bare repository. */
  static async create(): Promise<GitRepo> {
    const dir = await mkdtemp(join(tmpdir(), 'fluxguard-revert-'));
    await exec('git', ['init', '-q', '--bare', '-b', 'main', dir], { env: gitEnv });
    return new GitRepo(dir);
  }

  /** Runs git in the repository and returns stdout (trailing newline kept). */
  async git(
    args: readonly string[],
    options: { input?: string | Buffer; env?: Record<string, string> } = {},
  ) {
    return (await this.#run(args, options)).stdout.toString('utf8');
  }

  /** Runs git in the repository and returns stdout as bytes (for sizes counted in bytes). */
  async gitBytes(
    args: readonly string[],
    options: { input?: string | Buffer; env?: Record<string, string> } = {},
  ): Promise<Buffer> {
    return (await this.#run(args, options)).stdout;
  }

  /** Runs git and resolves to its exit code instead of throwing. */
  async gitStatus(args: readonly string[]): Promise<number> {
    try {
      await this.#run(args, {});
      return 0;
    } catch (error) {
      return (error as { code?: number }).code ?? 1;
    }
  }

  /** Runs git with optional stdin; rejects with stderr on a non-zero exit. */
  #run(
    args: readonly string[],
    { input, env }: { input?: string | Buffer; env?: Record<string, string> },
  ): Promise<{ stdout: Buffer }> {
    return new Promise((resolve, reject) => {
      const child = spawn('git', ['--git-dir', this.dir, ...args], {
        env: { ...gitEnv, ...env },
        stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout?.on('data', (d: Buffer) => out.push(d));
      child.stderr?.on('data', (d: Buffer) => err.push(d));
      child.on('error', reject);
      child.on('close', (code) => {
        if (code === 0) resolve({ stdout: Buffer.concat(out) });
        else
          reject(
            Object.assign(new Error(`git ${args.join(' ')}: ${Buffer.concat(err).toString().trim()}`), {
              code,
            }),
          );
      });
      if (input !== undefined && child.stdin) {
        child.stdin.on('error', () => undefined);
        child.stdin.end(input);
      }
    });
  }

  /** The SHA a ref or revision resolves to. */
  async revParse(rev: string): Promise<string> {
    return (await this.git(['rev-parse', '--verify', '-q', rev])).trim();
  }

  /**
   * Appends commits to `branch` (creating it) with one `git fast-import` run; returns their SHAs.
   */
  async commit(branch: string, specs: readonly CommitSpec[]): Promise<string[]> {
    const parent = await this.revParse(`refs/heads/${branch}^0`).catch(() => '');
    const chunks: Buffer[] = [];
    const text = (s: string) => chunks.push(Buffer.from(s, 'utf8'));
    const data = (content: string | Buffer) => {
      const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
      text(`data ${bytes.length}\n`);
      chunks.push(bytes);
      text('\n');
    };
    specs.forEach((spec, i) => {
      this.#clock += 60;
      text(`commit refs/heads/${branch}\nmark :${i + 1}\n`);
      const who = spec.author ? `${spec.author.name} <${spec.author.email}>` : 'Dev <dev@example.test>';
      text(`author ${who} ${this.#clock} +0000\ncommitter ${who} ${this.#clock} +0000\n`);
      data(spec.message);
      if (i === 0 && parent) text(`from ${parent}\n`);
      for (const [path, file] of Object.entries(spec.files ?? {})) {
        if (file === null) {
          text(`D ${path}\n`);
          continue;
        }
        const f: FileSpec = typeof file === 'string' || Buffer.isBuffer(file) ? { content: file } : file;
        text(`M ${f.mode ?? '100644'} inline ${path}\n`);
        data(f.content);
      }
      for (const [from, to] of spec.renames ?? []) text(`R ${from} ${to}\n`);
    });
    const marks = join(this.dir, 'fluxguard-marks');
    await this.#run(['fast-import', '--quiet', '--force', `--export-marks=${marks}`], {
      input: Buffer.concat(chunks),
    });
    const byMark = new Map(
      (await readFile(marks, 'utf8'))
        .trim()
        .split('\n')
        .map((line) => line.split(' ') as [string, string]),
    );
    return specs.map((_, i) => byMark.get(`:${i + 1}`) as string);
  }

  /** The paths that differ between two revisions, limited to pathspecs (git diff --name-only). */
  async diffNames(from: string, to: string, pathspecs: readonly string[] = []): Promise<string[]> {
    const out = await this.git(['diff', '--name-only', '--no-renames', from, to, '--', ...pathspecs]);
    return out.split('\n').filter((l) => l !== '');
  }

  /** The content of `path` at `rev`. */
  async show(rev: string, path: string): Promise<Buffer> {
    return (await this.#run(['cat-file', 'blob', `${rev}:${path}`], {})).stdout;
  }

  /** The raw bytes of an object (a blob, by SHA). */
  async readBlob(sha: string): Promise<Buffer> {
    return (await this.#run(['cat-file', 'blob', sha], {})).stdout;
  }

  /** The mode of `path` at `rev`, or `undefined` when absent. */
  async modeOf(rev: string, path: string): Promise<string | undefined> {
    const out = await this.git(['ls-tree', rev, '--', path]);
    return out === '' ? undefined : out.split(' ')[0];
  }

  /** Removes the repository. */
  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
