/**
 * The fluxguard alerting path in the GitOps tree, checked with the real tools: every PrometheusRule
 * passes `promtool check rules` and its unit tests (`promtool test rules`,
 * test/gitops/prometheus/<rule name>.rules.test.yaml), every fluxguard alert is shaped for the guard,
 * kube-state-metrics exposes the Flux labels the rules join, and the Alertmanager configuration
 * passes `amtool check-config` and routes fluxguard alerts to the guard with a bearer token file that
 * External Secrets Operator writes.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { findBinary } from '../support/real-binaries.js';
import { ENVIRONMENTS, SAMPLE_CLUSTER_CONFIG } from './support/cluster-config.js';
import { loadGitopsTree, REPO_ROOT } from './support/gitops-tree.js';
import { asArray, asRecord, field, type KubeObject, objectRef } from './support/kube-object.js';

const INSTALL = 'apt-get install prometheus prometheus-alertmanager (Debian/Ubuntu; .ci/run does this)';
const promtool = findBinary(['promtool'], 'PROMTOOL_BIN');
const amtool = findBinary(['amtool'], 'AMTOOL_BIN');
const TESTS = join(REPO_ROOT, 'test/gitops/prometheus');
const workDir = mkdtempSync(join(tmpdir(), 'fluxguard-promtool-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

/** Runs a tool; returns its combined output, or throws with it. */
function run(binary: string | undefined, name: string, args: string[], cwd: string): string {
  if (!binary) throw new Error(`${name} is not installed: ${INSTALL}, or set ${name.toUpperCase()}_BIN`);
  try {
    return execFileSync(binary, args, { cwd, encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${name} ${args.join(' ')} failed:\n${stdout ?? ''}${stderr ?? ''}`);
  }
}

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

function groupsOf(rule: KubeObject): Array<{ name: string; rules: Rule[] }> {
  return asArray(field(rule, ['spec', 'groups'])) as Array<{ name: string; rules: Rule[] }>;
}

const trees = await Promise.all(ENVIRONMENTS.map((environment) => loadGitopsTree(environment)));

describe.each(trees)('Prometheus rules ($environment)', (tree) => {
  const rules = tree.objects.filter((object) => object.kind === 'PrometheusRule');

  it('include the sample app rules fluxguard acts on', () => {
    expect(rules.map(objectRef)).toContain('PrometheusRule/sre-challenge/sre-challenge-app-fluxguard');
  });

  it.each(rules.map((rule) => [objectRef(rule), rule] as const))(
    '%s passes promtool check rules and its unit tests',
    (_ref, rule) => {
      const dir = mkdtempSync(join(workDir, `${rule.metadata.name}-`));
      writeFileSync(join(dir, 'rules.yaml'), stringify({ groups: groupsOf(rule) }));
      expect(run(promtool, 'promtool', ['check', 'rules', 'rules.yaml'], dir)).toContain('SUCCESS');
      const tests = join(TESTS, `${rule.metadata.name}.rules.test.yaml`);
      expect(existsSync(tests), `no unit tests: write ${tests}`).toBe(true);
      copyFileSync(tests, join(dir, 'rules.test.yaml'));
      expect(run(promtool, 'promtool', ['test', 'rules', 'rules.test.yaml'], dir)).toContain('SUCCESS');
    },
  );

  const fluxguardAlerts = rules.flatMap((rule) =>
    groupsOf(rule)
      .flatMap((group) => group.rules)
      .filter((candidate) => candidate.alert && candidate.labels?.fluxguard !== undefined)
      .map((alert) => [`${objectRef(rule)} ${alert.alert}`, alert] as const),
  );

  it('give the sample app an alert for availability, unavailable replicas, restarts and a request-rate collapse', () => {
    expect(fluxguardAlerts.map(([, alert]) => alert.alert).sort()).toEqual([
      'SreChallengeHealthProbeFailing',
      'SreChallengeReplicasUnavailable',
      'SreChallengeRequestRateCollapsed',
      'SreChallengeRestarting',
    ]);
  });

  it.each(fluxguardAlerts)(
    '%s is confirmed by for:, marked for fluxguard and names its Kustomization',
    (_name, alert) => {
      expect(alert.for).toMatch(/^\d+[smh]$/);
      expect(alert.labels).toMatchObject({ fluxguard: 'true', severity: 'critical' });
      expect(alert.expr).toMatch(/group_left \(kustomization, kustomization_namespace\)/);
      expect(alert.annotations?.summary).toBeTruthy();
    },
  );
});

describe.each(trees)('kube-prometheus-stack for fluxguard ($environment)', (tree) => {
  const release = tree.objects.find(
    (object) => objectRef(object) === 'HelmRelease/monitoring/kube-prometheus-stack',
  ) as KubeObject;
  const values = asRecord(field(release, ['spec', 'values'])) ?? {};
  const config = asRecord(field(values, ['alertmanager', 'config'])) ?? {};

  it('has kube-state-metrics expose the labels Flux puts on deployments', () => {
    const allowlist = asArray(field(values, ['kube-state-metrics', 'metricLabelsAllowlist'])).join('\n');
    expect(allowlist).toMatch(
      /^deployments=\[.*kustomize\.toolkit\.fluxcd\.io\/name,kustomize\.toolkit\.fluxcd\.io\/namespace.*\]$/m,
    );
  });

  it('routes fluxguard="true" alerts to the guard with resolves and a bearer token file from a mounted Secret', () => {
    const routes = asArray(field(config, ['route', 'routes']));
    const route = routes.find((candidate) =>
      asArray(field(candidate, ['matchers'])).includes('fluxguard = "true"'),
    );
    expect(route).toMatchObject({ receiver: 'fluxguard' });
    const receiver = asArray(config.receivers).find(
      (candidate) => field(candidate, ['name']) === 'fluxguard',
    );
    const webhook = asArray(field(receiver, ['webhook_configs']))[0];
    expect(webhook).toMatchObject({
      url: SAMPLE_CLUSTER_CONFIG[tree.environment].fluxguard_alertmanager_url,
      send_resolved: true,
      http_config: { authorization: { type: 'Bearer' } },
    });
    const file = String(field(webhook, ['http_config', 'authorization', 'credentials_file']));
    const secrets = asArray(field(values, ['alertmanager', 'alertmanagerSpec', 'secrets']));
    expect(secrets.map((name) => `/etc/alertmanager/secrets/${String(name)}/token`)).toContain(file);
    expect(JSON.stringify(config)).not.toMatch(/"credentials"\s*:/);
  });

  it('gets the token file from a Secret External Secrets Operator copies from the guard stack secret', () => {
    const cluster = SAMPLE_CLUSTER_CONFIG[tree.environment].cluster_name;
    const externalSecret = tree.objects.find(
      (object) => objectRef(object) === 'ExternalSecret/monitoring/fluxguard-alertmanager-token',
    );
    expect(externalSecret?.spec).toMatchObject({
      secretStoreRef: { kind: 'SecretStore', name: 'fluxguard-aws' },
      target: { name: 'fluxguard-alertmanager-token' },
      data: [
        {
          secretKey: 'token',
          remoteRef: { key: `fluxguard/${cluster}/alertmanager-token`, property: 'token' },
        },
      ],
    });
    expect(tree.objects.map(objectRef)).toContain('SecretStore/monitoring/fluxguard-aws');
    expect(asArray(field(values, ['alertmanager', 'alertmanagerSpec', 'secrets']))).toContain(
      'fluxguard-alertmanager-token',
    );
  });

  it('passes amtool check-config', () => {
    const dir = mkdtempSync(join(workDir, 'alertmanager-'));
    writeFileSync(join(dir, 'alertmanager.yml'), stringify(config));
    expect(run(amtool, 'amtool', ['check-config', 'alertmanager.yml'], dir)).toContain('SUCCESS');
  });
});
