import type { LabService } from '../api/labService';
import type { LabOptions } from '../api/labContext';

/** Where a command writes; tests pass buffers, the real CLI passes process streams. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** True when stdout is a terminal (progress bars redraw in place). */
  isTty: boolean;
}

/**
 * Lazily creates the in-process LabService so `model-lab help` starts instantly. Commands
 * get open path access (the user at their own shell); `serve` passes the fenced options of
 * browser mode. The first call decides: later calls return the same service.
 */
export type ServiceFactory = (access?: Pick<LabOptions, 'pathMode' | 'allowedRoots' | 'fenceHint'>) => Promise<LabService>;

/** One `model-lab <name>` subcommand. */
export interface CliCommand {
  name: string;
  /** `summary <graph.json | template> [--json]` */
  usage: string;
  description: string;
  /**
   * Runs the command and returns the exit code. Errors a user can act on are thrown as
   * `LabError` and printed without a stack trace by the dispatcher.
   */
  run(args: string[], io: CliIo, service: ServiceFactory): Promise<number>;
}
