import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
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
    rmSync(assembly.directory, { recursive: true, force: true });

    // Assess: status 1 means cfn-lint itself failed, which must not pass as "no findings".
    expect(run.error).toBeUndefined();
    expect((run.status ?? 1) & 1, run.stderr).toBe(0);
    const findings = JSON.parse(run.stdout) as Finding[];
    expect(templates.length).toBeGreaterThanOrEqual(24);
    expect(
      findings
        .filter((finding) => finding.Level === 'Error')
        .map((finding) => `${finding.Filename}: ${finding.Rule.Id} ${finding.Message}`),
    ).toEqual([]);
  }, 300_000);
});
