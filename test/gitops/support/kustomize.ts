import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { type KubeObject, toKubeObject } from './kube-object.js';

const execFileAsync = promisify(execFile);

/** How to get kubectl, repeated in every failure that is caused by its absence. */
export const KUBECTL_INSTALL_HINT =
  'kubectl (with its built-in kustomize) is required to validate gitops/. Install it: ' +
  'https://kubernetes.io/docs/tasks/tools/#kubectl (e.g. `brew install kubectl`, ' +
  '`sudo apt-get install -y kubectl` from the Kubernetes apt repository, or ' +
  '`curl -LO https://dl.k8s.io/release/$(curl -Ls https://dl.k8s.io/release/stable.txt)/bin/linux/amd64/kubectl`).';

/** Thrown when kubectl cannot be run at all. */
export class KubectlMissingError extends Error {
  override readonly name = 'KubectlMissingError';
  constructor(cause: unknown) {
    super(`kubectl was not found on PATH. ${KUBECTL_INSTALL_HINT}`, { cause });
  }
}

/** Thrown when `kubectl kustomize` rejects a directory. */
export class KustomizeBuildError extends Error {
  override readonly name = 'KustomizeBuildError';
}

/** Options for {@link kustomizeBuild}; `env` exists so tests can take kubectl off the PATH. */
export interface KustomizeBuildOptions {
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs `kubectl kustomize <directory>` and parses every document it prints.
 * Fails with {@link KubectlMissingError} (never skips) when kubectl is absent.
 */
export async function kustomizeBuild(
  directory: string,
  options: KustomizeBuildOptions = {},
): Promise<KubeObject[]> {
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync('kubectl', ['kustomize', directory], {
      env: options.env ?? process.env,
      maxBuffer: 64 * 1024 * 1024,
    }));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new KubectlMissingError(error);
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    throw new KustomizeBuildError(`kubectl kustomize ${directory} failed: ${stderr.trim()}`, {
      cause: error,
    });
  }
  return parseAllDocuments(stdout)
    .map((document) => document.toJS() as unknown)
    .filter((document) => document !== null)
    .map((document) => toKubeObject(document, directory));
}
