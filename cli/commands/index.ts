import type { Command } from '../command.js';
import { versionCommand } from './version.js';

/** Every `fluxguard` command, in the order `--help` lists them. Add new commands here. */
export const commands: readonly Command[] = [versionCommand];
