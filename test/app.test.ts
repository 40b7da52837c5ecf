import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../lib/app.js';

describe('the CDK app', () => {
  it('synthesizes every stack offline into a cloud assembly', () => {
    // Prepare
    const app = buildApp(new App());

    // Act
    const assembly = app.synth();

    // Assess
    expect(assembly.stacks.length).toBeGreaterThan(0);
    for (const stack of assembly.stacks) {
      expect(stack.template).toBeTypeOf('object');
      expect(stack.stackName).toMatch(/^Fluxguard-/);
    }
  });

  it('tags every stack with the project name', () => {
    // Prepare
    const app = buildApp(new App());

    // Act: tags are applied by an aspect during synthesis.
    app.synth();
    const stacks = app.node.children.filter((c): c is Stack => c instanceof Stack);

    // Assess
    expect(stacks.length).toBeGreaterThan(0);
    for (const stack of stacks) {
      expect(stack.tags.tagValues()).toMatchObject({ project: 'fluxguard' });
    }
  });

  it('reports a cdk-nag finding when a non-compliant resource is added', () => {
    // Prepare: an S3 bucket without TLS enforcement or access logs breaks AwsSolutions-S1/S10.
    const app = new App();
    const stack = new Stack(app, 'Probe');
    new Bucket(stack, 'Plain');
    Template.fromStack(stack);

    // Act
    const report = new AwsSolutionsChecks().validateScope(stack);

    // Assess
    const ids = report.violations.map((v) => v.ruleName);
    expect(ids).toEqual(expect.arrayContaining([expect.stringMatching(/^AwsSolutions-S1/)]));
  });
});
