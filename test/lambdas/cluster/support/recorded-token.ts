import { fixtureJson } from '../../../support/fixtures.js';

/** A real `aws eks get-token` run at a pinned time with fake credentials (record-aws-eks-get-token.py). */
export interface RecordedToken {
  signingTime: string;
  cluster: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  execCredential: {
    apiVersion: string;
    kind: string;
    status: { token: string; expirationTimestamp: string };
  };
}

/** The recorded `aws eks get-token` output and the inputs it was made from. */
export function recordedToken(): RecordedToken {
  return fixtureJson<RecordedToken>('../lambdas/cluster/fixtures/aws-eks-get-token.json');
}
