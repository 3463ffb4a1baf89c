import { LabError } from '../common/errors';
import type { CliCommand, CliIo, ServiceFactory } from './cli/command';
import { CLI_COMMANDS } from './cli/commands';
import { createLabService, type LabService } from './api/labService';
import { defaultLabOptions } from './api/defaultOptions';

/** Prints the command list. */
function printHelp(io: CliIo, commands: readonly CliCommand[]): void {
  io.out('Usage: model-lab <command> [options]\n\nCommands:\n');
  const width = Math.max(...commands.map((c) => c.usage.length));
  for (const command of commands) io.out(`  ${command.usage.padEnd(width)}  ${command.description}\n`);
  io.out('\nRun `model-lab <command> --help` for a command\'s options.\n');
}

/**
 * Entry point of the `model-lab` command. Returns the exit code. A `LabError` is
 * printed as `error [CODE]: message` (a user-facing failure, never a stack trace);
 * anything else is a bug and prints its stack.
 */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    printHelp(io, CLI_COMMANDS);
    return name === undefined ? 1 : 0;
  }
  if (name === '--version' || name === 'version') {
    io.out(`${defaultLabOptions().version}\n`);
    return 0;
  }
  const command = CLI_COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`error: unknown command "${name}".\n`);
    printHelp(io, CLI_COMMANDS);
    return 2;
  }
  let service: LabService | undefined;
  const factory: ServiceFactory = async (access) => {
    service ??= await createLabService({ ...defaultLabOptions(), pathMode: 'open', ...access });
    return service;
  };
  try {
    return await command.run(rest, io, factory);
  } catch (error) {
    if (error instanceof LabError) {
      io.err(`error [${error.code}]: ${error.message}\n`);
      const issues = error.details?.['issues'];
      if (Array.isArray(issues) && issues.length > 1) {
        for (const issue of issues) io.err(`  - ${(issue as { message?: string }).message ?? JSON.stringify(issue)}\n`);
      }
      return 1;
    }
    io.err(`internal error: ${(error as Error).stack ?? String(error)}\n`);
    return 70;
  } finally {
    service?.dispose();
  }
}

function processIo(): CliIo {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    isTty: Boolean(process.stdout.isTTY),
  };
}
