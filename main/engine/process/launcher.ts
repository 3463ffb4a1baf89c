import type { IDisposable } from '../../../common/lifecycle';

/**
 * A message channel to a child process that runs training. Plain Node forks it with
 * `child_process.fork`; Electron with `utilityProcess.fork` (electron/). The protocol
 * carried over it is the same in both.
 */
export interface ChildChannel extends IDisposable {
  /** Sends a structured-clonable message to the child. */
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): IDisposable;
  /** Fires once when the child exits, with its exit code (or null) and signal (or null). */
  onExit(listener: (code: number | null, signal: string | null) => void): IDisposable;
  /** Terminates the child at once. */
  kill(): void;
  readonly pid: number | undefined;
}

/** Starts training processes. */
export interface ProcessLauncher {
  /**
   * Starts `entry` (an absolute path to the training entry module) with `args` and extra
   * environment variables.
   */
  launch(entry: string, args: string[], env?: Record<string, string>): ChildChannel;
}
