import { EventEmitter } from 'node:events';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ForkOptions, UtilityProcess } from 'electron';
import { createUtilityProcessLauncher } from '../../../electron/utilityProcessLauncher';

/** Stands in for Electron's UtilityProcess: an emitter with postMessage, kill and pid. */
class FakeUtilityProcess extends EventEmitter {
  readonly posted: unknown[] = [];
  killed = false;
  pid: number | undefined = 4242;
  postMessage(message: unknown): void {
    this.posted.push(message);
  }
  kill(): boolean {
    this.killed = true;
    return true;
  }
}

function fakeModule() {
  const forks: Array<{ modulePath: string; args: string[] | undefined; options: ForkOptions | undefined; child: FakeUtilityProcess }> = [];
  return {
    forks,
    fork(modulePath: string, args?: string[], options?: ForkOptions): UtilityProcess {
      const child = new FakeUtilityProcess();
      forks.push({ modulePath, args, options, child });
      return child as unknown as UtilityProcess;
    },
  };
}

describe('createUtilityProcessLauncher', () => {
  it('runs the bundled .mjs for a TypeScript entry and passes args and environment', () => {
    const electronModule = fakeModule();
    const launcher = createUtilityProcessLauncher(electronModule, '/app/dist/electron');
    launcher.launch('/app/main/training/trainingEntry.ts', ['--run', 'r1'], { MODEL_LAB_RUN: 'r1' });
    const fork = electronModule.forks[0];
    expect(fork?.modulePath).toBe(path.join('/app/dist/electron', 'trainingEntry.mjs'));
    expect(fork?.args).toEqual(['--run', 'r1']);
    expect((fork?.options?.env as Record<string, string> | undefined)?.['MODEL_LAB_RUN']).toBe('r1');
    launcher.launch('/app/dist/electron/other.mjs', []);
    expect(electronModule.forks[1]?.modulePath).toBe('/app/dist/electron/other.mjs');
  });

  it('carries messages both ways, reports the exit once and stops after it', () => {
    const electronModule = fakeModule();
    const channel = createUtilityProcessLauncher(electronModule, '/d').launch('/e.mjs', []);
    const child = electronModule.forks[0]!.child;
    const received: unknown[] = [];
    const exits: Array<[number | null, string | null]> = [];
    channel.onMessage((message) => received.push(message));
    channel.onExit((code, signal) => exits.push([code, signal]));
    channel.send({ type: 'stop' });
    child.emit('message', { type: 'epoch', epoch: 1 });
    child.emit('exit', 3);
    child.emit('exit', 3);
    channel.send({ type: 'late' });
    channel.kill();
    expect(child.posted).toEqual([{ type: 'stop' }]);
    expect(received).toEqual([{ type: 'epoch', epoch: 1 }]);
    expect(exits).toEqual([[3, null]]);
    expect(child.killed).toBe(false);
    expect(channel.pid).toBe(4242);
  });

  it('kills a running child on dispose and stops listening', () => {
    const electronModule = fakeModule();
    const channel = createUtilityProcessLauncher(electronModule, '/d').launch('/e.mjs', []);
    const child = electronModule.forks[0]!.child;
    const received: unknown[] = [];
    channel.onMessage((message) => received.push(message));
    channel.dispose();
    child.emit('message', 'after');
    expect(child.killed).toBe(true);
    expect(received).toEqual([]);
  });
});
