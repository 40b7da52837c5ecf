import { EKSClient } from '@aws-sdk/client-eks';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import {
  createEksToken,
  type EksToken,
  type ExecCredentialApiVersion,
  execCredential,
} from '../../lambdas/cluster/index.js';
import { type Command, ExitCode, stringOption, UsageError } from '../command.js';

/** What `fluxguard token` signs with; tests pass fixed credentials and a fixed clock. */
export interface TokenCommandDeps {
  /** Defaults to the SDK's default credential chain. */
  credentials?: AwsCredentialIdentityProvider;
  now?: () => Date;
}

function requestedApiVersion(execInfo: string | undefined): ExecCredentialApiVersion {
  if (!execInfo) return 'client.authentication.k8s.io/v1beta1';
  try {
    const { apiVersion } = JSON.parse(execInfo) as { apiVersion?: string };
    return apiVersion === 'client.authentication.k8s.io/v1'
      ? apiVersion
      : 'client.authentication.k8s.io/v1beta1';
  } catch {
    return 'client.authentication.k8s.io/v1beta1';
  }
}

/** Builds `fluxguard token` with its dependencies. */
export function makeTokenCommand({ credentials, now = () => new Date() }: TokenCommandDeps = {}): Command {
  return {
    name: 'token',
    summary: 'Print an EKS ExecCredential (like `aws eks get-token`); usable as a kubectl exec plugin.',
    usage: 'fluxguard token --cluster <name> [--region <region>]',
    details: [
      'Options:',
      '  --cluster <name>   the EKS cluster name (signed as x-k8s-aws-id)',
      '  --region <region>  the region of the STS endpoint; default: AWS_REGION, then the profile',
      '',
      'Credentials come from the AWS SDK default chain (environment, SSO, profile, IMDS...).',
      'Prints client.authentication.k8s.io/v1beta1, or v1 when KUBERNETES_EXEC_INFO asks for it.',
      'kubeconfig user: exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: npx,',
      '                        args: [fluxguard, token, --cluster, <name>]}',
    ].join('\n'),
    options: { cluster: { type: 'string' }, region: { type: 'string' } },
    async run(values, positionals, io) {
      if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
      const clusterName = stringOption(values, 'cluster', true);
      let region = stringOption(values, 'region') ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
      if (!region) {
        try {
          region = await new EKSClient({}).config.region();
        } catch {
          throw new UsageError('no region: pass --region or set AWS_REGION');
        }
      }
      let token: EksToken;
      try {
        const identity = await (credentials ?? defaultProvider())();
        token = await createEksToken({ clusterName, region, credentials: identity, signingDate: now() });
      } catch (error) {
        io.stderr(`error: no AWS credentials to sign with: ${(error as Error).message}`);
        return ExitCode.unavailable;
      }
      io.stdout(JSON.stringify(execCredential(token, requestedApiVersion(io.env.KUBERNETES_EXEC_INFO))));
      return ExitCode.ok;
    },
  };
}

/** `fluxguard token`, with the SDK's default credential chain. */
export const tokenCommand: Command = makeTokenCommand();
