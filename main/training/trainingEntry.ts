/**
 * Entry of a training process (DESIGN.md principle 5). The main side starts it with
 * `child_process.fork` or Electron's `utilityProcess.fork`, sends one `start` message,
 * then `pause` / `resume` / `stop`; this process streams run events back, writes the run
 * folder itself and exits when the run ends. Whatever it wrote before a crash stays.
 */
import path from 'node:path';
import { serializeError, LabError } from '../../common/errors';
import type { RunEvent } from '../../common/api/methods/runs';
import { initBackend } from '../engine/backend';
import { compileGraph } from '../engine/compile';
import { openDatasetCache, type DatasetCache } from '../data/datasetCache';
import { readRunSpec, updateRunSpec, writeEvaluation } from '../project/runRepository';
import { evaluateModel, loadRunModel } from '../engine/evaluate';
import { ManualControl, Trainer, type TrainerEvent } from '../engine/train/trainer';
import { parentMessageSchema, type ParentMessage } from '../engine/process/protocol';
import { connectParentPort } from '../engine/process/parentPort';
import { describeInitialWeights, loadInitialWeights } from '../transfer/initialWeights';
import { describeTrainingEnd } from '../engine/train/endReason';
import { pixelTransformOf } from '../../common/data/basePreprocessing';
import { fineTunePlanOf } from '../engine/train/trainingPhases';

const port = connectParentPort();
const control = new ManualControl();
let started = false;
let currentRunId = '';

function emit(event: TrainerEvent): Promise<void> {
  return port.send({ type: 'event', event });
}

/** Reports a failure the run could not recover from, keeping run.json in step. */
async function reportFailure(runDir: string, runId: string, error: unknown): Promise<void> {
  const serialized = serializeError(error);
  const code = error instanceof LabError ? error.code : 'TRAIN_CRASHED';
  // tfjs and V8 report memory exhaustion as plain errors; say so plainly.
  if (!(error instanceof LabError) && /out of memory|\bOOM\b|failed to allocate|allocation failed/i.test(serialized.message)) {
    serialized.message = `Out of memory while training (${serialized.message}). Try a smaller batch size or a smaller model.`;
  }
  let lastGoodEpoch = 0;
  try {
    const spec = await readRunSpec(runDir);
    lastGoodEpoch = spec.epochsCompleted;
    await updateRunSpec(runDir, { status: 'failed', endReason: serialized.message });
  } catch {
    // run.json itself is unreadable; the event still tells the main side what happened.
  }
  const failed: RunEvent = { type: 'run.failed', runId, code, reason: serialized.message, lastGoodEpoch };
  await emit(failed);
}

async function train(message: Extract<ParentMessage, { type: 'start' }>): Promise<void> {
  currentRunId = message.runId;
  let cache: DatasetCache | undefined;
  try {
    const spec = await readRunSpec(message.runDir);
    const { tf, report } = await initBackend({ preference: message.backend ?? undefined, avoid: message.avoid });
    if (report.notice !== undefined) await emit({ type: 'log', level: 'warn', message: report.notice });
    cache = await openDatasetCache(message.datasetDir);
    if (cache.info.fingerprint !== spec.dataset.fingerprint) {
      await emit({ type: 'log', level: 'warn', message: `Dataset ${spec.dataset.name} changed since the run was created (fingerprint ${cache.info.fingerprint} instead of ${spec.dataset.fingerprint}).` });
    }
    const model = compileGraph(spec.graph, tf, { seed: spec.hyperparameters.seed });
    // Loaded on resume too: a run paused before its first checkpoint restarts from them, and a checkpoint overrides them.
    if (message.initialWeights !== null) {
      const initialWeights = await loadInitialWeights(model, message.initialWeights, path.dirname(message.runDir), tf);
      await updateRunSpec(message.runDir, { initialWeights });
      await emit({ type: 'log', level: 'info', message: describeInitialWeights(initialWeights) });
    }
    control.onPauseChange = (paused) => void emit({ type: 'run.status', runId: message.runId, status: paused ? 'paused' : 'running' });
    const trainer = new Trainer({
      tf, model, cache, hyperparameters: spec.hyperparameters, runId: message.runId, runDir: message.runDir,
      backend: report, emit: (event) => void emit(event), control, resume: message.resume,
      inputTransform: pixelTransformOf(cache.info.preprocessing, spec.graph.metadata.inputPreprocessing),
      fineTune: fineTunePlanOf(spec.graph, spec.hyperparameters),
    });
    const result = await trainer.run();
    const status = result.reason === 'stopped' ? 'stopped' : 'completed';
    const endReason = describeTrainingEnd(result);
    if (result.epochsCompleted > 0 && cache.indices('test').length > 0) {
      // The final evaluation of the best checkpoint belongs to the run folder; a failure here does not undo the training.
      try {
        const { model: best } = await loadRunModel(tf, message.runDir, spec, 'best');
        await writeEvaluation(message.runDir, await evaluateModel({ tf, model: best, cache, spec, checkpoint: 'best', misclassified: 16, topK: spec.hyperparameters.topK }));
        best.dispose();
      } catch (error) {
        await emit({ type: 'log', level: 'warn', message: `The final evaluation of ${message.runId} failed: ${(error as Error).message}` });
      }
    }
    const final = await updateRunSpec(message.runDir, { status, endReason });
    await emit({ type: 'run.done', runId: message.runId, reason: result.reason, epochsCompleted: result.epochsCompleted, best: final.best, message: endReason });
  } catch (error) {
    await reportFailure(message.runDir, message.runId, error);
  } finally {
    cache?.dispose();
  }
}

port.onMessage((raw) => {
  const parsed = parentMessageSchema.safeParse(raw);
  if (!parsed.success) {
    void emit({ type: 'log', level: 'warn', message: `Training process ignored a malformed message: ${parsed.error.issues[0]?.message ?? 'invalid'}` });
    return;
  }
  const message = parsed.data;
  switch (message.type) {
    case 'start':
      if (started) return;
      started = true;
      void train(message).finally(() => process.exit(0));
      return;
    case 'pause':
      control.pause();
      return;
    case 'resume':
      control.resume();
      return;
    case 'stop':
      control.stop();
      return;
  }
});

process.on('uncaughtException', (error) => {
  void emit({ type: 'run.failed', runId: currentRunId, code: 'TRAIN_CRASHED', reason: `The training process crashed: ${error.message}`, lastGoodEpoch: 0 }).finally(() => process.exit(1));
});

// Ctrl-C in a terminal reaches the whole process group; the main side decides when to
// stop (it sends `stop`, answered at the next batch), so this process ignores it.
process.on('SIGINT', () => undefined);

void port.send({ type: 'ready', pid: process.pid });
