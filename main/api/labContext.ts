import { Emitter } from '../../common/lifecycle';
import type { LabEvent } from '../../common/api/events';
import type { ProcessLauncher } from '../engine/process/launcher';
import type { DialogProvider } from '../../common/api/methods/dialogs';
import type { PathMode } from './paths';

/** Settings the service starts with (from the CLI, Electron or tests). */
export interface LabOptions {
  /** Where Model Lab keeps its own files (recent projects, dataset downloads). */
  dataDir: string;
  /** Directories a fenced service may read or write; paths outside them are refused (see `PathMode`). */
  allowedRoots: string[];
  /**
   * `open` (the CLI, in-process callers) reaches any path the OS allows; `fenced` (browser
   * mode, the desktop renderer) only `allowedRoots`. Fenced when unset, so a transport has
   * to ask for open access.
   */
  pathMode?: PathMode | undefined;
  /** Appended to a fenced refusal: how this transport's user adds a folder. */
  fenceHint?: string | undefined;
  /** Forces a backend instead of the automatic order. */
  backend?: string | undefined;
  /** Starts training processes; defaults to a forked Node process. Electron passes utilityProcess. */
  launcher?: ProcessLauncher | undefined;
  /** Native file dialogs; the desktop shell supplies them, browser mode and the CLI leave this unset. */
  dialogs?: DialogProvider | undefined;
}

/**
 * What every domain's handlers share: options and the event stream. Passed to each
 * `createXHandlers(context)` so domains stay independent of one another.
 */
export class LabContext {
  readonly events = new Emitter<LabEvent>();

  constructor(readonly options: LabOptions) {}

  emit(event: LabEvent): void {
    this.events.fire(event);
  }

  dispose(): void {
    this.events.dispose();
  }
}
