import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALERT_STATES } from '../../../lambdas/alerts/index.js';
import { ALERTS_DOC, END, examplesSection, START } from './support/alert-docs.js';

describe('docs/ALERTS.md', () => {
  const doc = readFileSync(ALERTS_DOC, 'utf8');

  it("shows exactly what the renderers produce (regenerate with 'npx tsx test/lambdas/alerts/support/alert-docs.ts --write')", () => {
    const section = doc.slice(doc.indexOf(START), doc.indexOf(END) + END.length);

    expect(section).toBe(examplesSection());
  });

  it('shows every state', () => {
    for (const state of ALERT_STATES) expect(doc).toContain(`### \`${state}\``);
  });
});
