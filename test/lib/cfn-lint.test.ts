import { execFileSync, spawnSync } from 'node:child_process';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/app.js';
import { appWithProjectContext } from './synth.js';

/** cfn-lint runs where it is installed (CI installs it); elsewhere this suite has nothing to run. */
const hasCfnLint = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' }).status === 0;

/** Every template file of the assembly and its nested stage assemblies. */
function templatesOf(assembly: CloudAssembly): string[] {
  return [
    ...assembly.stacks.map((stack) => stack.templateFullPath),
    ...assembly.nestedAssemblies.flatMap((nested) => templatesOf(nested.nestedAssembly)),
  ];
}

interface Finding {
  Level: string;
  Rule: { Id: string };
  Message: string;
  Filename: string;
}

describe.runIf(hasCfnLint)('cfn-lint over every synthesized template', () => {
  it('finds no error in any stack of any stage', () => {
    // Prepare
    const assembly = buildApp(
      appWithProjectContext({ stagingPublicEndpointCidrs: '203.0.113.0/24', stagingSlackNotifier: 'true' }),
    ).synth();
    const templates = templatesOf(assembly);

    // Act: exit status is a bit mask (2 errors, 4 warnings, 8 informational), so read the JSON.
    const run = spawnSync('cfn-lint', ['--format', 'json', '--', ...templates], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const findings = JSON.parse(run.stdout || '[]') as Finding[];

    // Assess
    expect(templates.length).toBeGreaterThanOrEqual(24);
    expect(
      findings
        .filter((finding) => finding.Level === 'Error')
        .map((finding) => `${finding.Filename}: ${finding.Rule.Id} ${finding.Message}`),
    ).toEqual([]);
    expect(execFileSync('cfn-lint', ['--version'], { encoding: 'utf8' })).toMatch(/cfn-lint/);
  }, 300_000);
});
