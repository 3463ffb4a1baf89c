import path from 'node:path';
import type { UtilityProcess, ForkOptions } from 'electron';
import type { ChildChannel, ProcessLauncher } from '../main/engine/process/launcher';
import { Emitter, type IDisposable } from '../common/lifecycle';

/** The part of Electron's `utilityProcess` module the launcher uses (tests pass a fake). */
export interface UtilityProcessModule {
  fork(modulePath: string, args?: string[], options?: ForkOptions): UtilityProcess;
}

/**
 * Starts training processes with Electron's `utilityProcess.fork`, speaking the same
 * message protocol as the Node `child_process.fork` launcher. The main side names its
 * TypeScript entry (`…/trainingEntry.ts`, run through tsx under Node); packaged and built
 * apps run the bundle scripts/build.mjs writes to `bundledEntryDir` instead, since a
 * utility process has no TypeScript loader.
 *
 * @param utilityProcess Electron's `utilityProcess`.
 * @param bundledEntryDir folder holding `<entry name>.mjs` bundles (dist/electron, beside main.mjs).
 */
export function createUtilityProcessLauncher(utilityProcess: UtilityProcessModule, bundledEntryDir: string): ProcessLauncher {
  return {
    launch(entry, args, env) {
      const modulePath = /\.[cm]?ts$/.test(entry) ? path.join(bundledEntryDir, `${path.basename(entry).replace(/\.[cm]?ts$/, '')}.mjs`) : entry;
      const child = utilityProcess.fork(modulePath, args, {
        env: { ...process.env, ...env } as Record<string, string>,
        serviceName: 'Model Lab training',
        stdio: 'inherit',
      });
      return wrapUtilityProcess(child);
    },
  };
}

/** Adapts a `UtilityProcess` to the engine's `ChildChannel`. */
export function wrapUtilityProcess(child: UtilityProcess): ChildChannel {
  const messages = new Emitter<unknown>();
  const exits = new Emitter<{ code: number | null; signal: string | null }>();
  let exited = false;
  const onMessage = (message: unknown): void => messages.fire(message);
  const onExit = (code: number): void => {
    if (exited) return;
    exited = true;
    exits.fire({ code, signal: null });
  };
  // A fatal error (V8 OOM, crash) is followed by `exit`; its report is surfaced as a message-less exit code.
  child.on('message', onMessage);
  child.on('exit', onExit);
  return {
    get pid() {
      return child.pid;
    },
    send(message) {
      if (!exited) child.postMessage(message);
    },
    onMessage(listener): IDisposable {
      return messages.event(listener);
    },
    onExit(listener): IDisposable {
      return exits.event(({ code, signal }) => listener(code, signal));
    },
    kill() {
      if (!exited) child.kill();
    },
    dispose() {
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (!exited) child.kill();
      messages.dispose();
      exits.dispose();
    },
  };
}
