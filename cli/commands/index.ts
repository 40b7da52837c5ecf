import type { Command } from '../command.js';
import { alertPreviewCommand } from './alert-preview.js';
import { breakerResetCommand } from './breaker.js';
import { replayCommand } from './replay.js';
import { revertCommand } from './revert.js';
import { simulateCommand } from './simulate.js';
import { stateInitCommand } from './state.js';
import { statusCommand } from './status.js';
import { tokenCommand } from './token.js';
import { validateCommand } from './validate.js';
import { versionCommand } from './version.js';
import { webhookServeCommand } from './webhook-serve.js';
import { webhookSignCommand } from './webhook-sign.js';

/** Every `fluxguard` command, in the order `--help` lists them. Add new commands here. */
export const commands: readonly Command[] = [
  versionCommand,
  webhookServeCommand,
  webhookSignCommand,
  revertCommand,
  tokenCommand,
  validateCommand,
  alertPreviewCommand,
  simulateCommand,
  replayCommand,
  statusCommand,
  breakerResetCommand,
  stateInitCommand,
];
