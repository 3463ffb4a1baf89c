import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabError } from '../../../common/errors';
import { createLabService, type LabService } from '../../../main/api/labService';
import { initBackend, type Tfjs } from '../../../main/engine/backend';
import { compileGraph } from '../../../main/engine/compile';
import { graphSource } from '../../../main/formats/exportSource';
import { TFJS_FILES, writeTfjsModel } from '../../../main/formats/tfjsFormat';
import { loadInitialWeights } from '../../../main/transfer/initialWeights';
import { tinyGraph } from '../../unit/main/engine/train/datasetFixture';

/**
 * A TF.js model.json names its weight files itself. Whatever it names, the lab reads
 * weights only from the model's own folder, and its errors tell nothing about the rest
 * of the disk: not a path, not whether a file exists.
 */

let tf: Tfjs;
let root: string;
let allowed: string;
let outsideFile: string;
let lab: LabService;
let validJson: { weightsManifest: { paths: string[] }[] };
let shard: Buffer;

beforeAll(async () => {
  ({ tf } = await initBackend({ preference: 'cpu' }));
  root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'tfjs-shards-')));
  allowed = path.join(root, 'allowed');
  const outside = path.join(root, 'outside-secret');
  await fs.mkdir(outside, { recursive: true });
  const source = graphSource(tinyGraph(), tf, 5);
  try {
    await writeTfjsModel(source.model, path.join(allowed, 'valid'), tf);
  } finally {
    source.model.dispose();
  }
  validJson = JSON.parse(await fs.readFile(path.join(allowed, 'valid', TFJS_FILES.model), 'utf8')) as typeof validJson;
  shard = await fs.readFile(path.join(allowed, 'valid', TFJS_FILES.weights));
  // The weights an attacker would like the lab to read: the right size, outside every allowed folder.
  outsideFile = path.join(outside, 'w.bin');
  await fs.writeFile(outsideFile, shard);
  lab = await createLabService({ dataDir: path.join(allowed, '.lab'), allowedRoots: [allowed], backend: 'cpu' });
});

afterAll(async () => {
  lab.dispose();
  await fs.rm(root, { recursive: true, force: true });
});

/** A model folder in the allowed folder whose manifest names `shardPath`; `link` adds a symbolic link inside it. */
async function modelNaming(name: string, shardPath: string, link?: { name: string; target: string }): Promise<string> {
  const dir = path.join(allowed, name);
  await fs.mkdir(dir, { recursive: true });
  const json = { ...validJson, weightsManifest: validJson.weightsManifest.map((group) => ({ ...group, paths: [shardPath] })) };
  await fs.writeFile(path.join(dir, TFJS_FILES.model), JSON.stringify(json));
  if (link) await fs.symlink(link.target, path.join(dir, link.name));
  return path.join(dir, TFJS_FILES.model);
}

/**
 * The error of `run`, with the shard path as the manifest wrote it replaced (the file's
 * own text may be repeated), checked for anything about the outside folder.
 */
async function refusal(run: () => Promise<unknown>, shardPath: string): Promise<{ code: string; message: string }> {
  const error = await run().then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(LabError);
  const { code, message, details } = error as LabError;
  const hide = (text: string): string => text.split(JSON.stringify(shardPath)).join('<shard>').split(JSON.stringify(JSON.stringify(shardPath)).slice(1, -1)).join('<shard>').split(shardPath).join('<shard>');
  for (const text of [hide(message), hide(JSON.stringify(details ?? {}))]) expect(text).not.toContain('outside-secret');
  return { code, message: hide(message) };
}

const ESCAPES = {
  'up out of the folder to a file that exists': () => path.relative(path.join(allowed, 'up-existing'), outsideFile),
  'up out of the folder to a file that does not exist': () => path.relative(path.join(allowed, 'up-missing'), path.join(path.dirname(outsideFile), 'missing.bin')),
  'an absolute path': () => outsideFile,
  'to /etc/hostname': () => '../../../../../../../../etc/hostname',
};

describe('TF.js weight files named by model.json', () => {
  it('loads weights from inside the model folder', async () => {
    const result = await lab.call('importModel', { path: path.join(allowed, 'valid') });
    expect(result.hasWeights).toBe(true);
  });

  it('refuses every path out of the model folder, the same way whether or not the file exists', async () => {
    const folders = ['up-existing', 'up-missing', 'absolute', 'etc'];
    const answers = [];
    for (const [index, [, shardPath]] of Object.entries(ESCAPES).entries()) {
      const target = shardPath();
      const file = await modelNaming(folders[index] as string, target);
      answers.push(await refusal(() => lab.call('importModel', { path: file }), target));
    }
    const missingInside = await modelNaming('missing-inside', 'nothere.bin');
    answers.push(await refusal(() => lab.call('importModel', { path: missingInside }), 'nothere.bin'));
    for (const answer of answers) expect(answer.code).toBe('IO_BAD_FORMAT');
    // One message for all: a file that exists outside cannot be told from one that does not.
    const messages = answers.map((answer) => answer.message.replace(/\/allowed\/[^/]+\//, '/allowed/<model>/'));
    expect(new Set(messages).size, messages.join('\n')).toBe(1);
  });

  it('refuses a link inside the folder that points out of it', async () => {
    const file = await modelNaming('linked', 'w.bin', { name: 'w.bin', target: outsideFile });
    const answer = await refusal(() => lab.call('importModel', { path: file }), 'w.bin');
    expect(answer.code).toBe('IO_BAD_FORMAT');
  });

  it('refuses the same paths when a transfer or initial weights read the model', async () => {
    const target = ESCAPES['up out of the folder to a file that exists']();
    const file = await modelNaming('up-existing-transfer', path.relative(path.join(allowed, 'up-existing-transfer'), outsideFile));
    const transfer = await refusal(() => lab.call('createTransferGraph', { source: { modelPath: file }, classes: 2 }), path.relative(path.join(allowed, 'up-existing-transfer'), outsideFile));
    expect(transfer.code).toBe('IO_BAD_FORMAT');
    const model = compileGraph(tinyGraph(), tf, { seed: 1 });
    try {
      const initial = await refusal(() => loadInitialWeights(model, { modelPath: file }, path.join(allowed, 'runs'), tf), path.relative(path.join(allowed, 'up-existing-transfer'), outsideFile));
      expect(initial.code).toBe('IO_BAD_FORMAT');
    } finally {
      model.dispose();
    }
    expect(target).toContain('..');
  });
});
