import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { toDisposable, type IDisposable } from '../../../../../common/lifecycle';
import type { LabEvent } from '../../../../../common/api/events';
import { RunSupervisor } from '../../../../../main/engine/process/runSupervisor';
import type { ChildChannel, ProcessLauncher } from '../../../../../main/engine/process/launcher';

/** A child process that the test drives by hand: it sends messages and exits when told. */
class FakeChild implements ChildChannel {
  readonly pid = 4242;
  readonly sent: unknown[] = [];
  killed = false;
  private messageListeners = new Set<(message: unknown) => void>();
  private exitListeners = new Set<(code: number | null, signal: string | null) => void>();

  send(message: unknown): void {
    this.sent.push(message);
  }
  onMessage(listener: (message: unknown) => void): IDisposable {
    this.messageListeners.add(listener);
    return toDisposable(() => this.messageListeners.delete(listener));
  }
  onExit(listener: (code: number | null, signal: string | null) => void): IDisposable {
    this.exitListeners.add(listener);
    return toDisposable(() => this.exitListeners.delete(listener));
  }
  kill(): void {
    this.killed = true;
    this.exit(null, 'SIGTERM');
  }
  dispose(): void {
    this.messageListeners.clear();
  }
  message(message: unknown): void {
    for (const listener of [...this.messageListeners]) listener(message);
  }
  exit(code: number | null, signal: string | null): void {
    for (const listener of [...this.exitListeners]) listener(code, signal);
  }
}

let workDir: string | undefined;
afterEach(async () => {
  if (workDir) await fs.rm(workDir, { recursive: true, force: true });
  workDir = undefined;
});

async function startFakeRun(): Promise<{ supervisor: RunSupervisor; child: FakeChild; events: LabEvent[]; end: Promise<unknown> }> {
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'lab-supervisor-'));
  const child = new FakeChild();
  const launcher: ProcessLauncher = { launch: () => child };
  const events: LabEvent[] = [];
  const supervisor = new RunSupervisor(launcher, (event) => events.push(event), '/entry.ts');
  const end = supervisor.start({ runId: 'r1', runDir: workDir, datasetDir: workDir, initialWeights: null, backend: 'cpu', avoid: [], resume: false });
  child.message({ type: 'ready', pid: child.pid });
  return { supervisor, child, events, end };
}

describe('RunSupervisor', () => {
  it('announces run.done only after the process has exited, when the run is idle again', async () => {
    const { supervisor, child, events, end } = await startFakeRun();
    const done = { type: 'run.done', runId: 'r1', reason: 'stopped', epochsCompleted: 1, best: null, message: 'Stopped' };
    child.message({ type: 'event', event: done });
    expect(events.some((e) => e.type === 'run.done')).toBe(false);
    expect(supervisor.status('r1')).toBe('stopped');
    let statusWhenAnnounced: unknown = 'not announced';
    const announced = new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (events.some((e) => e.type === 'run.done')) {
          statusWhenAnnounced = supervisor.status('r1');
          clearInterval(timer);
          resolve();
        }
      }, 5);
    });
    child.exit(0, null);
    await announced;
    await expect(end).resolves.toMatchObject({ type: 'run.done', reason: 'stopped' });
    expect(statusWhenAnnounced).toBeUndefined();
    expect(child.killed).toBe(false);
  });

  it('reports a process that exits without a final event as crashed', async () => {
    const { supervisor, child, end } = await startFakeRun();
    child.exit(null, 'SIGKILL');
    await expect(end).resolves.toMatchObject({ type: 'run.failed', code: 'TRAIN_CRASHED' });
    expect(supervisor.status('r1')).toBeUndefined();
  });
});
