import type { CliCommand } from './command';

/**
 * Every `model-lab` subcommand, listed explicitly so `help` shows them in this order.
 * Each command lives in its own file under main/cli/.
 */
export const CLI_COMMANDS: readonly CliCommand[] = [
];
