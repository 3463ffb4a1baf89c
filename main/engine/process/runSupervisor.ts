import type { IDisposable } from '../../../common/lifecycle';
import { LabError } from '../../../common/errors';
import type { BackendFault, BackendName } from '../../../common/training/backend';
import type { RunEvent } from '../../../common/api/methods/runs';
import type { RunStatus } from '../../../common/training/runSpec';
import type { TransferSource } from '../../../common/training/transferSource';
import type { LabEvent } from '../../../common/api/events';
import { checkpointDir, readRunSpec, updateRunSpec } from '../../project/runRepository';
import { childMessageSchema, TRAINING_PROCESS_ENV, type ParentMessage } from './protocol';
import type { ChildChannel, ProcessLauncher } from './launcher';

/** What starting a training process needs. */
export interface RunLaunch {
  runId: string;
  runDir: string;
  datasetDir: string;
  /** The run's initial weights with their paths checked by the caller, or null. */
  initialWeights: TransferSource | null;
  backend: BackendName | null;
  /** Backends earlier runs failed on: skipped unless asked for by name. */
  avoid: BackendFault[];
  resume: boolean;
}

/** The final event of a run, as the main side saw it. */
export type RunEnd = Extract<RunEvent, { type: 'run.done' | 'run.failed' }>;

interface ActiveRun {
  launch: RunLaunch;
  channel: ChildChannel;
  status: RunStatus;
  ready: boolean;
  /** Controls asked for before the process said it was ready. */
  pending: ParentMessage[];
  ended: boolean;
  /**
   * The final event the process reported, announced only once the process has exited,
   * so a listener that reacts to it (delete, resume) never finds the run still busy.
   */
  reportedEnd: Promise<RunEnd> | undefined;
  /** Kills a process that reported its end but does not exit. */
  exitTimer: ReturnType<typeof setTimeout> | undefined;
  end: Promise<RunEnd>;
  resolveEnd: (end: RunEnd) => void;
  subscriptions: IDisposable[];
}

/** The epoch of the newest checkpoint on disk (0 when there is none): what a resume starts from. */
async function lastCheckpointEpoch(runDir: string): Promise<number> {
  const last = await checkpointDir(runDir, 'last');
  let fromSpec = 0;
  try {
    fromSpec = (await readRunSpec(runDir)).epochsCompleted;
  } catch {
    // run.json unreadable: the checkpoint pointer alone decides.
  }
  return Math.max(last?.epoch ?? 0, fromSpec);
}

/** How long a process that reported its end may take to exit before it is killed. */
const EXIT_GRACE_MS = 10_000;

/** Explains a process exit that came without a run.done or run.failed. */
export function describeExit(code: number | null, signal: string | null): string {
  if (signal === 'SIGABRT' || code === 134) return 'The training process ran out of memory (V8 aborted it). Try a smaller batch size or model.';
  if (signal === 'SIGKILL') return 'The training process was killed (SIGKILL), possibly by the system running out of memory.';
  if (signal) return `The training process ended on signal ${signal}.`;
  return `The training process exited unexpectedly with code ${code ?? 'unknown'}.`;
}

/**
 * Owns the training processes of the main side: starts one per run, relays pause /
 * resume / stop, forwards its events, and turns a crash (kill -9, out of memory) into
 * `run.failed` with the last epoch whose checkpoint is on disk. The app keeps running.
 */
export class RunSupervisor implements IDisposable {
  private readonly runs = new Map<string, ActiveRun>();

  /**
   * @param recordEnd awaited with each run's final event before it is announced, so that
   *   whoever reacts to run.failed (by starting the next run) finds what it recorded.
   */
  constructor(
    private readonly launcher: ProcessLauncher,
    private readonly emit: (event: LabEvent) => void,
    /** The training process entry module (`main/training/trainingEntryPath.ts` finds it). */
    private readonly entry: string,
    private readonly recordEnd: (launch: RunLaunch, end: RunEnd) => Promise<void> = async () => undefined,
  ) {}

  /**
   * Starts the training process of a run.
   *
   * @throws LabError `TRAIN_BUSY` when the run is already training.
   */
  start(launch: RunLaunch): Promise<RunEnd> {
    if (this.runs.has(launch.runId)) {
      throw new LabError('TRAIN_BUSY', `Expected run ${launch.runId} not to be training already. Received: runId=${JSON.stringify(launch.runId)}`, { field: 'runId', received: launch.runId });
    }
    const channel = this.launcher.launch(this.entry, [], { [TRAINING_PROCESS_ENV]: '1' });
    let resolveEnd: (end: RunEnd) => void = () => undefined;
    const end = new Promise<RunEnd>((resolve) => (resolveEnd = resolve));
    const run: ActiveRun = { launch, channel, status: 'queued', ready: false, pending: [], ended: false, reportedEnd: undefined, exitTimer: undefined, end, resolveEnd, subscriptions: [] };
    this.runs.set(launch.runId, run);
    run.subscriptions.push(channel.onMessage((message) => this.onMessage(run, message)));
    run.subscriptions.push(channel.onExit((code, signal) => void this.onExit(run, code, signal)));
    return end;
  }

  /** The live status of a training run, or undefined when no process runs it. */
  status(runId: string): RunStatus | undefined {
    return this.runs.get(runId)?.status;
  }

  /** Resolves with the run's final event (immediately known runs only). */
  whenEnded(runId: string): Promise<RunEnd> | undefined {
    return this.runs.get(runId)?.end;
  }

  /** Asks the process to pause at its next batch. */
  pause(runId: string): RunStatus {
    const run = this.require(runId);
    this.send(run, { type: 'pause' });
    run.status = 'paused';
    return run.status;
  }

  /** Resumes a paused run. */
  resume(runId: string): RunStatus {
    const run = this.require(runId);
    this.send(run, { type: 'resume' });
    run.status = 'running';
    return run.status;
  }

  /** Asks the process to stop at its next batch; checkpoints already written stay. */
  stop(runId: string): RunStatus {
    const run = this.require(runId);
    this.send(run, { type: 'stop' });
    return run.status;
  }

  /** Ids of runs with a live process. */
  activeRunIds(): string[] {
    return [...this.runs.keys()];
  }

  dispose(): void {
    for (const run of this.runs.values()) {
      if (run.exitTimer !== undefined) clearTimeout(run.exitTimer);
      for (const s of run.subscriptions) s.dispose();
      run.channel.kill();
      run.channel.dispose();
    }
    this.runs.clear();
  }

  private require(runId: string): ActiveRun {
    const run = this.runs.get(runId);
    if (!run) throw new LabError('RUN_NOT_FOUND', `Expected a run that is training. Received: runId=${JSON.stringify(runId)}`, { field: 'runId', received: runId });
    return run;
  }

  private send(run: ActiveRun, message: ParentMessage): void {
    if (run.ready) run.channel.send(message);
    else run.pending.push(message);
  }

  private onMessage(run: ActiveRun, raw: unknown): void {
    const parsed = childMessageSchema.safeParse(raw);
    if (!parsed.success) {
      this.emit({ type: 'log', level: 'warn', message: `Ignored a malformed message from the training process of ${run.launch.runId}.` });
      return;
    }
    const message = parsed.data;
    if (message.type === 'ready') {
      run.ready = true;
      run.status = 'running';
      run.channel.send({ type: 'start', ...run.launch } satisfies ParentMessage);
      for (const pending of run.pending.splice(0)) run.channel.send(pending);
      return;
    }
    const event = message.event;
    if (event.type === 'run.status') run.status = event.status;
    if (event.type === 'run.failed') {
      run.status = 'failed';
      this.expectExit(run, this.withLastGoodEpoch(run, event));
      return;
    }
    if (event.type === 'run.done') {
      run.status = event.reason === 'stopped' ? 'stopped' : 'completed';
      this.expectExit(run, Promise.resolve(event));
      return;
    }
    this.emit(event);
  }

  /** Holds the final event until the process exits; kills it if it lingers. */
  private expectExit(run: ActiveRun, end: Promise<RunEnd>): void {
    if (run.reportedEnd) return;
    run.reportedEnd = end;
    run.exitTimer = setTimeout(() => run.channel.kill(), EXIT_GRACE_MS);
  }

  private finish(run: ActiveRun, end: RunEnd): void {
    if (run.ended) return;
    run.ended = true;
    this.emit(end);
    run.resolveEnd(end);
  }

  /** A failure from the process; the last good epoch is taken from run.json, which the process keeps current. */
  private async withLastGoodEpoch(run: ActiveRun, event: Extract<RunEvent, { type: 'run.failed' }>): Promise<RunEnd> {
    const lastGoodEpoch = Math.max(event.lastGoodEpoch, await lastCheckpointEpoch(run.launch.runDir));
    return { ...event, lastGoodEpoch };
  }

  private async onExit(run: ActiveRun, code: number | null, signal: string | null): Promise<void> {
    // Messages sent just before exit may be delivered after the exit event.
    await new Promise<void>((resolve) => setTimeout(resolve, 50));
    if (run.exitTimer !== undefined) clearTimeout(run.exitTimer);
    for (const s of run.subscriptions) s.dispose();
    run.channel.dispose();
    let end: RunEnd;
    if (run.reportedEnd) {
      end = await run.reportedEnd;
    } else {
      const reason = describeExit(code, signal);
      const lastGoodEpoch = await lastCheckpointEpoch(run.launch.runDir);
      try {
        const spec = await readRunSpec(run.launch.runDir);
        await updateRunSpec(run.launch.runDir, { status: 'failed', endReason: reason, epochsCompleted: Math.max(spec.epochsCompleted, lastGoodEpoch) });
      } catch {
        // The run folder is gone or unreadable; the event still reports the crash.
      }
      run.status = 'failed';
      end = { type: 'run.failed', runId: run.launch.runId, code: 'TRAIN_CRASHED', reason, lastGoodEpoch };
    }
    try {
      await this.recordEnd(run.launch, end);
    } catch (error) {
      this.emit({ type: 'log', level: 'warn', message: `Could not record how run ${run.launch.runId} ended: ${(error as Error).message}` });
    }
    // Released before the end is announced: whoever reacts to run.done finds the run idle.
    this.runs.delete(run.launch.runId);
    this.finish(run, end);
  }
}
