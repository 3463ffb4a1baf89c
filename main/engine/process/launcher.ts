import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { toDisposable } from '../../../common/lifecycle';
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

/**
 * tsx's loader as a file URL, resolved from this module: `--import tsx` alone would be
 * resolved from the working folder, where a user running `model-lab` from their own
 * folder has no node_modules.
 */
function tsxLoader(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
}

/**
 * Starts training processes with `child_process.fork` (plain Node, the CLI and tests).
 * `.ts` entries run through tsx's loader. The child shares this process' stdout and
 * stderr, so a native crash message reaches the terminal.
 */
export const nodeProcessLauncher: ProcessLauncher = {
  launch(entry, args, env) {
    const execArgv = entry.endsWith('.ts') ? ['--import', tsxLoader()] : [];
    const child = fork(entry, args, {
      execArgv,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    return {
      pid: child.pid,
      send(message) {
        if (child.connected) child.send(message as object);
      },
      onMessage(listener) {
        child.on('message', listener);
        return toDisposable(() => child.off('message', listener));
      },
      onExit(listener) {
        const handler = (code: number | null, signal: NodeJS.Signals | null): void => listener(code, signal);
        child.once('exit', handler);
        return toDisposable(() => child.off('exit', handler));
      },
      kill() {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      },
      dispose() {
        child.removeAllListeners('message');
        if (child.connected) child.disconnect();
      },
    };
  },
};
