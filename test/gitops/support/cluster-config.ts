/** The environments `gitops/clusters/` holds, as the platform names them. */
export const ENVIRONMENTS = ['staging', 'production'] as const;

/** One of {@link ENVIRONMENTS}. */
export type Environment = (typeof ENVIRONMENTS)[number];

/**
 * Exactly the keys the platform writes into ConfigMap `flux-system/cluster-config`, with sample values
 * shaped like real ones. Flux substitutes them into every Kustomization with `postBuild.substituteFrom`.
 */
export const SAMPLE_CLUSTER_CONFIG: Readonly<Record<Environment, Readonly<Record<string, string>>>> = {
  staging: {
    cluster_name: 'fluxguard-staging-eu-west-1',
    aws_region: 'eu-west-1',
    vpc_id: 'vpc-0a1b2c3d4e5f60718',
    vpc_cidr: '10.10.0.0/16',
    environment: 'staging',
    domain: 'staging.fluxguard.example.com',
    certificate_arn: 'arn:aws:acm:eu-west-1:111122223333:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b',
    log_group_name: '/fluxguard/staging/eu-west-1/containers',
    fluxguard_webhook_url: 'https://abc123def4.execute-api.eu-west-1.amazonaws.com/prod/flux',
    fluxguard_alertmanager_url: 'https://abc123def4.execute-api.eu-west-1.amazonaws.com/prod/alertmanager',
  },
  production: {
    cluster_name: 'fluxguard-production-us-east-1',
    aws_region: 'us-east-1',
    vpc_id: 'vpc-0f9e8d7c6b5a49382',
    vpc_cidr: '10.20.0.0/16',
    environment: 'production',
    domain: 'fluxguard.example.com',
    certificate_arn: 'arn:aws:acm:us-east-1:444455556666:certificate/9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d',
    log_group_name: '/fluxguard/production/us-east-1/containers',
    fluxguard_webhook_url: 'https://zyx987wvu6.execute-api.us-east-1.amazonaws.com/prod/flux',
    fluxguard_alertmanager_url: 'https://zyx987wvu6.execute-api.us-east-1.amazonaws.com/prod/alertmanager',
  },
};
