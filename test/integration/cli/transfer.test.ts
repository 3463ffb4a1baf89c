import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../main/cli';
import { createLabService } from '../../../main/api/labService';
import { bufferIo } from '../../unit/main/cli/bufferIo';
import { parseFreezeOption } from '../../../main/cli/transfer';
import { parseTransferSourceArgument } from '../../../main/cli/transferSourceArgument';
import { parseModelGraphJson } from '../../../common/graph/schema';
import { useCliLabHomes } from '../cliLabHome';

const newLabHome = useCliLabHomes('cli-transfer-');

/** A lab home with the synthetic dataset and one 1-epoch run of the tiny graph; returns the home and run id. */
async function homeWithRun(): Promise<{ home: string; runId: string }> {
  const { home, graphFile } = await newLabHome();
  const train = bufferIo();
  expect(await main(['train', graphFile, '--data', 'synthetic', '--epochs', '1', '--batch', '16', '--backend', 'cpu'], train)).toBe(0);
  const runId = /Training (run-\S+)/.exec(train.stdout)?.[1] ?? '';
  expect(runId).not.toBe('');
  return { home, runId };
}

describe('model-lab transfer', () => {
  it('builds a frozen-base model from a run, prints its summary, and trains it with --initial-weights', async () => {
    const { home, runId } = await homeWithRun();
    const out = path.join(home, 'transfer.json');
    const transfer = bufferIo();
    expect(await main(['transfer', runId, '--classes', '3', '--out', out], transfer)).toBe(0);
    expect(transfer.stderr).toBe('');
    // The kept Dense(16) on 8×8×1 inputs: 64 × 16 + 16 frozen parameters; the new Dense(3): 16 × 3 + 3.
    expect(transfer.stdout).toMatch(/Trainable params: 51\b/);
    expect(transfer.stdout).toMatch(/Non-trainable params: 1,040\b/);
    expect(transfer.stdout).toContain(`Kept 2 layers of run ${runId}, up to dense.`);
    expect(transfer.stdout).toContain('Frozen layers (2): flatten, dense');
    expect(transfer.stdout).toContain('Trainable layers (1): dense_2');
    const graph = parseModelGraphJson(await fs.readFile(out, 'utf8'));
    expect(graph.nodes.map((node) => [node.name, node.trainable])).toEqual([['input_1', true], ['flatten', false], ['dense', false], ['dense_2', true]]);

    const train = bufferIo();
    expect(await main(['train', out, '--data', 'synthetic', '--epochs', '1', '--batch', '16', '--backend', 'cpu', '--initial-weights', runId], train)).toBe(0);
    expect(train.stderr).toContain('info: Initial weights loaded into dense; skipped dense_2 (no layer of that name in the source).');
    expect(train.stdout).toMatch(/Trained 1 epoch\./);

    const noClasses = bufferIo();
    expect(await main(['transfer', runId], noClasses)).toBe(1);
    expect(noClasses.stderr).toMatch(/API_BAD_INPUT.*--classes/);
    const badCut = bufferIo();
    expect(await main(['transfer', runId, '--classes', '2', '--cut-at', 'conv2d'], badCut)).toBe(1);
    expect(badCut.stderr).toMatch(/TRAIN_BAD_CONFIG.*Received: cutAt="conv2d"/);
  }, 120_000);

  it('builds on an exported Keras .h5 file with --freeze none and a head dropout', async () => {
    const { home, runId } = await homeWithRun();
    const modelPath = path.join(home, 'tiny.h5');
    const exported = bufferIo();
    expect(await main(['export', runId, '--format', 'h5', '--out', modelPath], exported)).toBe(0);
    const json = bufferIo();
    expect(await main(['transfer', modelPath, '--classes', '4', '--freeze', 'none', '--head-dropout', '0.25', '--json'], json)).toBe(0);
    const result = JSON.parse(json.stdout) as { baseLayers: string[]; frozen: string[]; graph: { nodes: { type: string; params: Record<string, unknown> }[] } };
    expect(result.baseLayers).toEqual(['input_1', 'flatten', 'dense']);
    expect(result.frozen).toEqual([]);
    expect(result.graph.nodes.slice(-2).map((node) => [node.type, node.params])).toEqual([['Dropout', { rate: 0.25 }], ['Dense', { units: 4, activation: 'softmax' }]]);

    const summary = bufferIo();
    expect(await main(['transfer', modelPath, '--classes', '4', '--cut-at', 'flatten', '--freeze', '0'], summary)).toBe(0);
    expect(summary.stdout).toContain('Kept 1 layer of tiny.h5, up to flatten.');
    expect(summary.stdout).toMatch(/Non-trainable params: 0\b/);
  }, 120_000);

  it('says plainly that a graph file has no weights and offers a run id or a model file; --no-weights builds on it with fresh weights', async () => {
    const { home, graphFile: tinyGraphFile } = await newLabHome();
    const graphFile = path.join(home, 'my-graph.json');
    await fs.copyFile(tinyGraphFile, graphFile);
    const refused = bufferIo();
    expect(await main(['transfer', graphFile, '--classes', '2'], refused)).toBe(1);
    expect(refused.stderr).toContain(`error [TRANSFER_NO_WEIGHTS]: Expected a model with weights to build on: ${graphFile} is a Model Lab graph, which describes layers but holds no weights.`);
    expect(refused.stderr).toContain('Build on the run that trained it (its run id), or on a model file exported with weights (.h5, .keras or a TF.js model.json).');
    expect(refused.stderr).toContain('To build on its layers with fresh weights instead, add --no-weights.');
    expect(refused.stderr).not.toContain('Keras model config');

    const out = path.join(home, 'transfer.json');
    const built = bufferIo();
    expect(await main(['transfer', graphFile, '--no-weights', '--classes', '2', '--out', out], built)).toBe(0);
    expect(built.stdout).toContain('Kept 2 layers of my-graph.json, up to dense.');
    expect(built.stdout).toContain('Weights: none (a graph file has none); the new model starts from fresh weights.');
    const graph = parseModelGraphJson(await fs.readFile(out, 'utf8'));
    expect(graph.nodes.at(-1)).toMatchObject({ type: 'Dense', params: { units: 2 } });

    const lab = await createLabService({ dataDir: home, allowedRoots: [home] });
    try {
      await expect(lab.call('createTransferGraph', { source: { modelPath: graphFile }, classes: 2 })).rejects.toMatchObject({ code: 'TRANSFER_NO_WEIGHTS', details: { path: graphFile } });
    } finally {
      lab.dispose();
    }
  });

  it('reads --freeze all|none|N, a run id as a run of --project and a path as a model file', async () => {
    expect(parseFreezeOption('2')).toBe(2);
    expect(parseFreezeOption('none')).toBe('none');
    expect(() => parseFreezeOption('some')).toThrow(expect.objectContaining({ code: 'API_BAD_INPUT' }));
    expect(() => parseFreezeOption('-1')).toThrow(expect.objectContaining({ code: 'API_BAD_INPUT' }));
    expect(await parseTransferSourceArgument('run-1', undefined)).toEqual({ runId: 'run-1' });
    expect(await parseTransferSourceArgument('run-1', '/p/a.modellab')).toEqual({ runId: 'run-1', projectDir: '/p/a.modellab' });
    expect(await parseTransferSourceArgument('model.h5', undefined)).toEqual({ modelPath: path.resolve('model.h5') });
  });
});
