#!/usr/bin/env node
// The `fluxguard` operator CLI. It runs the TypeScript sources through tsx, so `npx fluxguard`
// works straight after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
