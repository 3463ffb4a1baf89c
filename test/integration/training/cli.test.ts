import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../main/cli';
import { bufferIo } from '../../unit/main/cli/bufferIo';
import { parseAugmentOption } from '../../../main/cli/train';
import { useCliLabHomes } from '../cliLabHome';
import { createProject } from '../../../main/project/projectRepository';
import { touchRecentProject } from '../../../main/project/recentProjects';

const newLabHome = useCliLabHomes('cli-home-');

describe('model-lab train / evaluate / runs', () => {
  it('trains a graph file on a dataset id, prints epoch lines, then evaluates and lists the run', async () => {
    const { graphFile } = await newLabHome({ examples: 120 });

    const train = bufferIo();
    const code = await main(['train', graphFile, '--data', 'synthetic', '--epochs', '2', '--batch', '16', '--lr', '0.01', '--backend', 'cpu'], train);
    expect(train.stderr).toBe('');
    expect(code).toBe(0);
    expect(train.stdout).toMatch(/on cpu/);
    expect(train.stdout).toMatch(/Epoch 1\/2 - .* loss \d\.\d{4} - accuracy/);
    expect(train.stdout).toMatch(/Trained 2 epochs\. Best val_loss/);
    const runId = /Training (run-\S+)/.exec(train.stdout)?.[1] ?? '';

    const evaluate = bufferIo();
    expect(await main(['evaluate', runId], evaluate)).toBe(0);
    expect(evaluate.stdout).toMatch(/precision\s+recall\s+f1-score\s+support/);
    expect(evaluate.stdout).toMatch(/Confusion matrix/);
    expect(evaluate.stdout).toMatch(/weighted avg/);

    const list = bufferIo();
    expect(await main(['runs', 'list', '--json'], list)).toBe(0);
    expect((JSON.parse(list.stdout) as { id: string; status: string }[]).map((r) => [r.id, r.status])).toEqual([[runId, 'completed']]);
  });

  it("train, evaluate and export use the project the app opened last (or --project, or --no-project) and say so in their first line", async () => {
    const { home, graphFile } = await newLabHome({ examples: 60 });
    const project = await createProject(home, 'Starter');
    await touchRecentProject(home, project.dir, 'Starter');

    const train = bufferIo();
    expect(await main(['train', graphFile, '--data', 'synthetic', '--epochs', '1', '--batch', '16', '--backend', 'cpu'], train)).toBe(0);
    const firstLine = train.stdout.split('\n')[0];
    expect(firstLine).toBe(`Writing the run into project Starter (${project.dir}), the one the app opened last; --project DIR or --no-project to choose.`);
    const runId = /Training (run-\S+)/.exec(train.stdout)?.[1] ?? '';
    expect(await fs.stat(path.join(project.dir, 'runs', runId)).then(() => true)).toBe(true);

    const evaluate = bufferIo();
    expect(await main(['evaluate', runId], evaluate)).toBe(0);
    expect(evaluate.stdout.split('\n')[0]).toBe(`Reading run ${runId} from project Starter (${project.dir}), the one the app opened last; --project DIR or --no-project to choose.`);

    const exported = bufferIo();
    const out = path.join(home, 'tiny.onnx');
    expect(await main(['export', runId, '--format', 'onnx', '--out', out], exported)).toBe(0);
    expect(exported.stdout.split('\n')[0]).toBe(`Reading run ${runId} from project Starter (${project.dir}), the one the app opened last; --project DIR or --no-project to choose.`);

    const elsewhere = bufferIo();
    expect(await main(['train', graphFile, '--data', 'synthetic', '--epochs', '1', '--batch', '16', '--backend', 'cpu', '--no-project'], elsewhere)).toBe(0);
    expect(elsewhere.stdout.split('\n')[0]).toBe(`Writing the run into the lab's own runs folder (${path.join(home, 'runs')}), outside any project.`);
    const other = await createProject(home, 'Other');
    const chosen = bufferIo();
    expect(await main(['train', graphFile, '--data', 'synthetic', '--epochs', '1', '--batch', '16', '--backend', 'cpu', '--project', other.dir], chosen)).toBe(0);
    expect(chosen.stdout.split('\n')[0]).toBe(`Writing the run into project Other (${other.dir}).`);
    const listed = bufferIo();
    expect(await main(['runs', 'list', '--json', '--project', other.dir], listed)).toBe(0);
    expect((JSON.parse(listed.stdout) as unknown[]).length).toBe(1);
  }, 240_000);

  it('rejects an unknown optimizer with a usage error', async () => {
    const io = bufferIo();
    expect(await main(['train', 'mlp', '--data', 'x', '--optimizer', 'lion'], io)).toBe(1);
    expect(io.stderr).toMatch(/API_BAD_INPUT.*optimizer/);
  });

  it('parses --augment shorthands into augmentation options', () => {
    expect(parseAugmentOption('flip,rotate=15,shift=0.1,zoom=0.2')).toMatchObject({ horizontalFlip: true, rotationRange: 15, widthShiftRange: 0.1, heightShiftRange: 0.1, zoomRange: 0.2 });
    expect(() => parseAugmentOption('wobble=1')).toThrow(expect.objectContaining({ code: 'API_BAD_INPUT' }));
  });
});
