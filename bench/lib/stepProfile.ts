/**
 * Per-kernel profile of training steps (tf.profile): which kernels a step runs, with which
 * shapes, and what each costs. The machine is shared, so each kernel is timed twice: in
 * wall time and in this process's CPU time (user + system, summed over its threads), which
 * other processes on a busy machine barely change. Each kernel's figures are its fastest
 * over the profiled steps; the step's are the medians of unprofiled steps.
 */
import type * as tfjs from '@tensorflow/tfjs';

/** One row of the profile: a kernel with its input shapes, summed over one step. */
export interface KernelRow {
  kernel: string;
  inputShapes: string;
  /** Calls per step. */
  calls: number;
  /** Fastest per-step CPU time over the profiled steps, in milliseconds. */
  cpuMs: number;
  /** Fastest per-step wall time over the profiled steps, in milliseconds. */
  wallMs: number;
}

/** A profiled step. */
export interface StepProfile {
  rows: KernelRow[];
  /** Median wall time of an unprofiled step, in milliseconds. */
  stepMs: number;
  /** Median CPU time of an unprofiled step, in milliseconds. */
  stepCpuMs: number;
  /** Sum of the rows' CPU times: the rest of `stepCpuMs` is JavaScript outside kernels (tape, tidy, dispatch). */
  kernelCpuMs: number;
  /** Sum of the rows' wall times. */
  kernelWallMs: number;
}

/** The backend's kernel timer, which tf.profile calls around every kernel. */
interface KernelTimer {
  time(f: () => void): Promise<{ kernelMs: number; getExtraProfileInfo?(): string }>;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/**
 * Runs `step` `warmup` times, times `timed` more, then profiles `profiled` more with the
 * backend's kernel timer reporting CPU time (wall time rides along as the extra info).
 * `step` must leave no tensors behind and wait for its result.
 */
export async function profileSteps(tf: typeof tfjs, step: () => Promise<void>, options: { warmup?: number; timed?: number; profiled?: number } = {}): Promise<StepProfile> {
  const { warmup = 5, timed = 20, profiled = 15 } = options;
  for (let i = 0; i < warmup; i++) await step();
  const times: number[] = [];
  const cpuTimes: number[] = [];
  for (let i = 0; i < timed; i++) {
    const start = performance.now();
    const cpu = process.cpuUsage();
    await step();
    cpuTimes.push(cpuMsSince(cpu));
    times.push(performance.now() - start);
  }
  const timer = tf.backend() as unknown as KernelTimer;
  const ownTime = Object.getOwnPropertyDescriptor(timer, 'time');
  timer.time = async (f) => {
    const start = performance.now();
    const cpu = process.cpuUsage();
    f();
    const cpuMs = cpuMsSince(cpu);
    const wallMs = performance.now() - start;
    return { kernelMs: cpuMs, getExtraProfileInfo: () => String(wallMs) };
  };
  const best = new Map<string, KernelRow>();
  try {
    for (let i = 0; i < profiled; i++) {
      const info = await tf.profile(step);
      const perStep = new Map<string, KernelRow>();
      for (const kernel of info.kernels) {
        const inputShapes = JSON.stringify(kernel.inputShapes);
        const key = `${kernel.name} ${inputShapes}`;
        const row = perStep.get(key) ?? { kernel: kernel.name, inputShapes, calls: 0, cpuMs: 0, wallMs: 0 };
        row.calls += 1;
        row.cpuMs += typeof kernel.kernelTimeMs === 'number' ? kernel.kernelTimeMs : 0;
        row.wallMs += Number(kernel.extraInfo) || 0;
        perStep.set(key, row);
      }
      for (const [key, row] of perStep) {
        const previous = best.get(key);
        best.set(key, previous === undefined ? row : { ...row, cpuMs: Math.min(row.cpuMs, previous.cpuMs), wallMs: Math.min(row.wallMs, previous.wallMs) });
      }
    }
  } finally {
    if (ownTime === undefined) delete (timer as Partial<KernelTimer>).time;
    else Object.defineProperty(timer, 'time', ownTime);
  }
  const rows = [...best.values()].sort((a, b) => b.cpuMs - a.cpuMs);
  return {
    rows, stepMs: median(times), stepCpuMs: median(cpuTimes),
    kernelCpuMs: rows.reduce((sum, row) => sum + row.cpuMs, 0), kernelWallMs: rows.reduce((sum, row) => sum + row.wallMs, 0),
  };
}

/** The profile as a table, largest CPU cost first; rows under `minMs` are summed into one line. */
export function formatProfile(profile: StepProfile, batch: number, minMs = 0.1): string {
  const lines = [
    `step: ${profile.stepMs.toFixed(1)} ms wall (${((batch * 1000) / profile.stepMs).toFixed(0)} images/s), ${profile.stepCpuMs.toFixed(1)} ms CPU (medians); kernels: ${profile.kernelCpuMs.toFixed(1)} ms CPU, ${profile.kernelWallMs.toFixed(1)} ms wall (each kernel's fastest)`,
    ' CPU ms  share  wall ms  calls  kernel [input shapes]',
  ];
  let smallCpu = 0;
  let smallWall = 0;
  for (const row of profile.rows) {
    if (row.cpuMs < minMs) {
      smallCpu += row.cpuMs;
      smallWall += row.wallMs;
      continue;
    }
    lines.push(`${row.cpuMs.toFixed(2).padStart(7)} ${((100 * row.cpuMs) / profile.kernelCpuMs).toFixed(1).padStart(5)}% ${row.wallMs.toFixed(2).padStart(8)} ${String(row.calls).padStart(6)}  ${row.kernel} ${row.inputShapes}`);
  }
  lines.push(`${smallCpu.toFixed(2).padStart(7)} ${((100 * smallCpu) / profile.kernelCpuMs).toFixed(1).padStart(5)}% ${smallWall.toFixed(2).padStart(8)}         (kernels under ${minMs} ms each)`);
  return lines.join('\n');
}
