// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Flux ${var} placeholders are literal text here, not JavaScript templates.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  EXTERNAL_SECRETS_SERVICE_ACCOUNT,
  webhookHmacSecretName,
} from '../../lib/constructs/guard-secrets.js';
import { ENVIRONMENTS, SAMPLE_CLUSTER_CONFIG } from './support/cluster-config.js';
import { loadGitopsTree, REPO_ROOT } from './support/gitops-tree.js';
import { asArray, field, type KubeObject, objectRef } from './support/kube-object.js';

const trees = await Promise.all(ENVIRONMENTS.map((environment) => loadGitopsTree(environment)));

describe.each(trees)('what Flux applies to $environment', (tree) => {
  const { environment, objects } = tree;
  const config = SAMPLE_CLUSTER_CONFIG[environment];
  const find = (ref: string): KubeObject => {
    const found = objects.find((object) => objectRef(object) === ref);
    if (!found) throw new Error(`${ref} is not in the built output`);
    return found;
  };
  const deployment = () => find('Deployment/sre-challenge/sre-challenge-app');
  const container = (name: string) =>
    asArray(field(deployment(), ['spec', 'template', 'spec', 'containers'])).find(
      (candidate) => field(candidate, ['name']) === name,
    );

  describe('infrastructure', () => {
    it('installs the AWS Load Balancer Controller for this cluster under the Pod Identity service account', () => {
      expect(find('HelmRelease/kube-system/aws-load-balancer-controller').spec).toMatchObject({
        chart: {
          spec: {
            chart: 'aws-load-balancer-controller',
            sourceRef: { kind: 'HelmRepository', name: 'eks-charts' },
          },
        },
        values: {
          clusterName: config.cluster_name,
          region: config.aws_region,
          vpcId: config.vpc_id,
          serviceAccount: { create: true, name: 'aws-load-balancer-controller' },
        },
      });
      expect(find('HelmRepository/flux-system/eks-charts').spec).toMatchObject({
        url: 'https://aws.github.io/eks-charts',
      });
    });

    it('runs kube-prometheus-stack with Grafana credentials from a Secret and nothing exposed publicly', () => {
      const release = find('HelmRelease/monitoring/kube-prometheus-stack');
      expect(release.spec).toMatchObject({
        chart: { spec: { chart: 'kube-prometheus-stack' } },
        values: {
          grafana: {
            admin: { existingSecret: 'grafana-admin', userKey: 'admin-user', passwordKey: 'admin-password' },
            service: { type: 'ClusterIP' },
            ingress: { enabled: false },
          },
          prometheus: { service: { type: 'ClusterIP' }, ingress: { enabled: false } },
          alertmanager: { service: { type: 'ClusterIP' }, ingress: { enabled: false } },
        },
      });
      expect(JSON.stringify(release)).not.toMatch(/adminPassword/);
    });

    it.each([
      [
        'grafana-dashboard-app-health',
        [
          'nginx_http_requests_total',
          'container_cpu_usage_seconds_total',
          'container_memory_working_set_bytes',
          'kube_deployment_status_replicas_available',
        ],
      ],
      [
        'grafana-dashboard-node-health',
        ['node_cpu_seconds_total', 'node_memory_MemAvailable_bytes', 'kube_node_status_condition'],
      ],
      [
        'grafana-dashboard-sre-overview',
        ['ALERTS', 'nginx_http_requests_total', 'kube_pod_container_status_restarts_total'],
      ],
    ])('provisions the %s dashboard as a ConfigMap the Grafana sidecar loads', (name, metrics) => {
      // Prepare
      const configMap = find(`ConfigMap/monitoring/${name}`);
      const [json = ''] = Object.values((configMap.data ?? {}) as Record<string, string>);

      // Act
      const dashboard = JSON.parse(json) as { uid: string; panels: unknown[] };

      // Assess
      expect(configMap.metadata.labels).toMatchObject({ grafana_dashboard: '1' });
      expect(dashboard.panels.length).toBeGreaterThan(3);
      for (const metric of metrics) expect(json).toContain(metric);
    });

    it('ships container logs to CloudWatch Logs with Kubernetes metadata, cluster_name and environment', () => {
      const release = find('HelmRelease/logging/fluent-bit');
      const config_ = field(release, ['spec', 'values', 'config']) as Record<string, string>;
      expect(field(release, ['spec', 'values', 'serviceAccount'])).toEqual({
        create: true,
        name: 'fluent-bit',
      });
      expect(config_.filters).toMatch(/Name kubernetes/);
      expect(config_.filters).toContain(`Add cluster_name ${config.cluster_name}`);
      expect(config_.filters).toContain(`Add environment ${config.environment}`);
      expect(config_.outputs).toMatch(/Name cloudwatch_logs/);
      expect(config_.outputs).toContain(`log_group_name ${config.log_group_name}`);
      expect(config_.outputs).toContain(`region ${config.aws_region}`);
    });

    it('scrapes the app exporter with a ServiceMonitor', () => {
      expect(find('ServiceMonitor/sre-challenge/sre-challenge-app').spec).toMatchObject({
        selector: { matchLabels: { app: 'sre-challenge-app' } },
        endpoints: [{ port: 'metrics' }],
      });
      expect(field(find('Service/sre-challenge/sre-challenge-app'), ['spec', 'ports'])).toContainEqual(
        expect.objectContaining({ name: 'metrics', port: 9113 }),
      );
    });
  });

  describe('the sample app', () => {
    it('runs nginx-unprivileged alpine with the exporter sidecar on 9113', () => {
      expect(field(container('nginx'), ['image'])).toMatch(
        /^nginxinc\/nginx-unprivileged:\d+\.\d+\.\d+-alpine$/,
      );
      expect(field(container('nginx-exporter'), ['image'])).toMatch(
        /^nginx\/nginx-prometheus-exporter:\d+\.\d+\.\d+$/,
      );
      expect(field(container('nginx-exporter'), ['ports'])).toEqual([
        { name: 'metrics', containerPort: 9113, protocol: 'TCP' },
      ]);
    });

    it('configures nginx with /health answering healthy, gzip and stub_status, and a page with environment and version', () => {
      const data = find('ConfigMap/sre-challenge/sre-challenge-app-nginx').data as Record<string, string>;
      expect(data['nginx.conf']).toMatch(/location = \/health \{[^}]*return 200 "healthy\\n";/);
      expect(data['nginx.conf']).toMatch(/gzip on;/);
      expect(data['nginx.conf']).toMatch(/stub_status;/);
      expect(data['index.html.template']).toContain('${APP_ENVIRONMENT}');
      expect(data['index.html.template']).toContain('${APP_VERSION}');
      expect(field(container('nginx'), ['env'])).toContainEqual({
        name: 'APP_ENVIRONMENT',
        value: environment,
      });
    });

    it('sets the resources, probes and rollout the spec asks for', () => {
      expect(deployment().spec).toMatchObject({
        progressDeadlineSeconds: 300,
        revisionHistoryLimit: 5,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '50%', maxUnavailable: '25%' } },
      });
      expect(container('nginx')).toMatchObject({
        resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '100m', memory: '128Mi' } },
        readinessProbe: { httpGet: { path: '/health' } },
        livenessProbe: { httpGet: { path: '/health' } },
        startupProbe: { httpGet: { path: '/health' } },
        securityContext: {
          runAsNonRoot: true,
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        },
      });
      expect(field(deployment(), ['spec', 'template', 'spec', 'topologySpreadConstraints'])).toContainEqual(
        expect.objectContaining({ topologyKey: 'topology.kubernetes.io/zone' }),
      );
    });

    it('tells fluxguard where to probe, on a port that is both the container and the Service port', () => {
      expect(deployment().metadata.annotations).toMatchObject({
        'fluxguard.io/health-path': '/health',
        'fluxguard.io/health-port': '8080',
      });
      expect(field(find('Service/sre-challenge/sre-challenge-app'), ['spec', 'ports'])).toContainEqual(
        expect.objectContaining({ name: 'http', port: 8080, targetPort: 'http' }),
      );
    });

    it('has a PodDisruptionBudget and an HPA from 2 to 10 on CPU 70% and memory 80% with the given behavior', () => {
      expect(find('PodDisruptionBudget/sre-challenge/sre-challenge-app').spec).toMatchObject({
        selector: { matchLabels: { app: 'sre-challenge-app' } },
      });
      expect(find('HorizontalPodAutoscaler/sre-challenge/sre-challenge-app').spec).toEqual({
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'sre-challenge-app' },
        minReplicas: 2,
        maxReplicas: 10,
        metrics: [
          {
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
          },
          {
            type: 'Resource',
            resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } },
          },
        ],
        behavior: {
          scaleUp: {
            stabilizationWindowSeconds: 60,
            policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
          },
          scaleDown: {
            stabilizationWindowSeconds: 300,
            policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }],
          },
        },
      });
    });

    it('is exposed through an HTTPS ALB on <region>.<domain> with the certificate and a 15 s /health check', () => {
      const ingress = find('Ingress/sre-challenge/sre-challenge-app');
      expect(ingress.metadata.annotations).toMatchObject({
        'alb.ingress.kubernetes.io/certificate-arn': config.certificate_arn,
        'alb.ingress.kubernetes.io/healthcheck-path': '/health',
        'alb.ingress.kubernetes.io/healthcheck-interval-seconds': '15',
        'alb.ingress.kubernetes.io/listen-ports': '[{"HTTP": 80}, {"HTTPS": 443}]',
        'alb.ingress.kubernetes.io/ssl-redirect': '443',
      });
      expect(ingress.spec).toMatchObject({
        ingressClassName: 'alb',
        rules: [{ host: `${config.aws_region}.${config.domain}` }],
      });
    });

    it('lives in a restricted namespace with default deny and only the flows it needs', () => {
      expect(find('Namespace/sre-challenge').metadata.labels).toMatchObject({
        'pod-security.kubernetes.io/enforce': 'restricted',
      });
      expect(find('NetworkPolicy/sre-challenge/default-deny').spec).toEqual({
        podSelector: {},
        policyTypes: ['Ingress', 'Egress'],
      });
      expect(field(find('NetworkPolicy/sre-challenge/allow-http-from-vpc'), ['spec', 'ingress'])).toEqual([
        { from: [{ ipBlock: { cidr: config.vpc_cidr } }], ports: [{ protocol: 'TCP', port: 8080 }] },
      ]);
      expect(JSON.stringify(find('NetworkPolicy/sre-challenge/allow-prometheus-scrape'))).toContain(
        '"port":9113',
      );
      expect(JSON.stringify(find('NetworkPolicy/sre-challenge/allow-dns-egress'))).toContain('"port":53');
    });

    it('follows supported stable nginx alpine releases through image automation', async () => {
      expect(find('ImageRepository/flux-system/sre-challenge-app').spec).toMatchObject({
        image: 'docker.io/nginxinc/nginx-unprivileged',
      });
      const policy = find('ImagePolicy/flux-system/sre-challenge-app');
      expect(policy.spec).toMatchObject({
        imageRepositoryRef: { name: 'sre-challenge-app' },
        filterTags: { extract: '$version' },
        policy: { semver: { range: '>=1.30.1 <1.31.0' } },
      });
      const pattern = new RegExp(
        String(field(policy, ['spec', 'filterTags', 'pattern'])).replace('(?P<', '(?<'),
      );
      expect(['1.30.1-alpine', '1.30.2-alpine'].filter((tag) => pattern.test(tag))).toHaveLength(2);
      expect(
        ['1.30.1-alpine-slim', '1.30.1-alpine3.22', '1.30.1', 'stable-alpine'].filter((tag) =>
          pattern.test(tag),
        ),
      ).toEqual([]);
      expect(find('ImageUpdateAutomation/flux-system/sre-challenge-app').spec).toMatchObject({
        sourceRef: { kind: 'GitRepository', name: 'flux-system' },
        git: { commit: { messageTemplate: expect.stringContaining('.Changed.Changes') } },
        update: { strategy: 'Setters', path: './gitops/apps/base' },
      });
      const text = await readFile(join(REPO_ROOT, 'gitops/apps/base/sre-challenge/deployment.yaml'), 'utf8');
      expect(text).toMatch(
        /^\s+image: nginxinc\/nginx-unprivileged:\S+ # \{"\$imagepolicy": "flux-system:sre-challenge-app"\}$/m,
      );
    });
  });

  describe('fluxguard', () => {
    it('receives every Kustomization and HelmRelease event through a generic-hmac Provider', () => {
      expect(find('Provider/flux-system/fluxguard').spec).toEqual({
        type: 'generic-hmac',
        address: config.fluxguard_webhook_url,
        secretRef: { name: 'fluxguard-webhook-hmac' },
        timeout: '15s',
      });
      const alert = find('Alert/flux-system/fluxguard');
      expect(alert.spec).toMatchObject({
        providerRef: { name: 'fluxguard' },
        eventSeverity: 'info',
        eventMetadata: { cluster: config.cluster_name, env: config.environment, region: config.aws_region },
      });
      const sources = asArray(field(alert, ['spec', 'eventSources'])) as {
        kind: string;
        name: string;
        namespace: string;
      }[];
      const uncovered = objects
        .filter((object) => object.kind === 'HelmRelease' || object.kind === 'Kustomization')
        .filter(
          (object) =>
            !sources.some(
              (source) =>
                source.kind === object.kind &&
                source.name === '*' &&
                source.namespace === object.metadata.namespace,
            ),
        )
        .map(objectRef);
      expect(uncovered).toEqual([]);
      expect(sources).toContainEqual({ kind: 'Kustomization', name: '*', namespace: 'flux-system' });
    });

    it('may read Flux objects cluster-wide and patch none of them there', () => {
      const rules = asArray(field(find('ClusterRole/fluxguard-guard'), ['rules'])) as {
        apiGroups: string[];
        resources: string[];
        verbs: string[];
      }[];
      expect(new Set(rules.flatMap((rule) => rule.verbs))).toEqual(new Set(['get', 'list', 'watch']));
      expect(
        rules.every((rule) => rule.apiGroups.every((group) => group.endsWith('.toolkit.fluxcd.io'))),
      ).toBe(true);
      expect(rules.flatMap((rule) => rule.resources)).toEqual(
        expect.arrayContaining([
          'kustomizations',
          'helmreleases',
          'gitrepositories',
          'ocirepositories',
          'helmrepositories',
          'imageupdateautomations',
        ]),
      );
      expect(find('ClusterRoleBinding/fluxguard-guard')).toMatchObject({
        roleRef: { kind: 'ClusterRole', name: 'fluxguard-guard' },
        subjects: [{ kind: 'Group', name: 'fluxguard-guard' }],
      });
    });

    it('may patch Flux objects only in the namespaces that hold them, and only the four it asks to reconcile', () => {
      // Prepare: what the guard patches, and every namespace holding one of those kinds.
      const patchable: Record<string, string> = {
        GitRepository: 'gitrepositories',
        Kustomization: 'kustomizations',
        HelmRelease: 'helmreleases',
        ImageUpdateAutomation: 'imageupdateautomations',
      };
      const needed = new Set(
        [...tree.cluster, ...objects]
          .filter((object) => object.kind in patchable && object.metadata.namespace)
          .map((object) => `${object.metadata.namespace}/${patchable[object.kind]}`),
      );
      const roleRules = (object: KubeObject) =>
        asArray(field(object, ['rules'])) as { resources: string[]; verbs: string[] }[];
      const granted = new Set(
        objects
          .filter((object) => object.kind === 'Role' && object.metadata.name === 'fluxguard-guard-reconcile')
          .flatMap((role) =>
            roleRules(role)
              .filter((rule) => rule.verbs.includes('patch'))
              .flatMap((rule) => rule.resources.map((resource) => `${role.metadata.namespace}/${resource}`)),
          ),
      );

      // Assess
      expect([...needed].filter((pair) => !granted.has(pair))).toEqual([]);
      expect([...granted].every((pair) => Object.values(patchable).includes(pair.split('/')[1] ?? ''))).toBe(
        true,
      );
      const clusterWidePatch = objects
        .filter((object) => object.kind === 'ClusterRole')
        .filter((role) =>
          roleRules(role).some((rule) => rule.verbs.includes('patch') || rule.verbs.includes('*')),
        )
        .map(objectRef);
      expect(clusterWidePatch).toEqual([]);
      for (const namespace of new Set([...granted].map((pair) => pair.split('/')[0]))) {
        expect(find(`RoleBinding/${namespace}/fluxguard-guard-reconcile`)).toMatchObject({
          roleRef: { kind: 'Role', name: 'fluxguard-guard-reconcile' },
          subjects: [{ kind: 'Group', name: 'fluxguard-guard' }],
        });
      }
      expect(find('ValidatingAdmissionPolicyBinding/fluxguard-guard-reconcile-only').spec).toMatchObject({
        validationActions: ['Deny'],
      });
    });

    it('receives its HMAC key from the Secrets Manager secret the guard stack generates, through External Secrets Operator', () => {
      // Prepare
      const provider = find('Provider/flux-system/fluxguard');
      const externalSecret = find('ExternalSecret/flux-system/fluxguard-webhook-hmac');

      // Assess: the Provider's Secret is written by the operator, from the guard's own secret.
      expect(externalSecret.spec).toMatchObject({
        secretStoreRef: { kind: 'SecretStore', name: 'fluxguard-aws' },
        target: { name: field(provider, ['spec', 'secretRef', 'name']), creationPolicy: 'Owner' },
        data: [
          {
            secretKey: 'token',
            remoteRef: { key: webhookHmacSecretName(config.cluster_name ?? ''), property: 'token' },
          },
        ],
      });
      expect(find('SecretStore/flux-system/fluxguard-aws').spec).toEqual({
        provider: { aws: { service: 'SecretsManager', region: config.aws_region } },
      });
      const { namespace, serviceAccount } = EXTERNAL_SECRETS_SERVICE_ACCOUNT;
      expect(find(`HelmRelease/${namespace}/external-secrets`).spec).toMatchObject({
        chart: {
          spec: {
            chart: 'external-secrets',
            sourceRef: { kind: 'HelmRepository', name: 'external-secrets' },
          },
        },
        values: { serviceAccount: { create: true, name: serviceAccount }, processClusterStore: false },
      });
    });

    it('may get services/proxy in the app namespace only, for its HTTP health probe', () => {
      expect(find('Role/sre-challenge/fluxguard-guard-service-proxy')).toMatchObject({
        rules: [{ apiGroups: [''], resources: ['services/proxy'], verbs: ['get'] }],
      });
      expect(find('RoleBinding/sre-challenge/fluxguard-guard-service-proxy')).toMatchObject({
        subjects: [{ kind: 'Group', name: 'fluxguard-guard' }],
      });
    });
  });
});
