import { describe, expect, it } from 'vitest';
import type { Dialog, OpenDialogOptions, SaveDialogOptions } from 'electron';
import { createElectronDialogProvider } from '../../../electron/dialogs';
import { openDialogInputSchema, saveDialogInputSchema } from '../../../common/api/methods/dialogs';

function fakeDialog(answer: { canceled: boolean; filePaths?: string[]; filePath?: string }) {
  const calls: Array<OpenDialogOptions | SaveDialogOptions> = [];
  const dialog = {
    showOpenDialog: async (...args: unknown[]) => (calls.push(args[args.length - 1] as OpenDialogOptions), { canceled: answer.canceled, filePaths: answer.filePaths ?? [] }),
    showSaveDialog: async (...args: unknown[]) => (calls.push(args[args.length - 1] as SaveDialogOptions), { canceled: answer.canceled, filePath: answer.filePath ?? '' }),
  } as unknown as Dialog;
  return { dialog, calls };
}

describe('createElectronDialogProvider', () => {
  it('opens a dataset folder picker and reports the picked path to the shell', async () => {
    const { dialog, calls } = fakeDialog({ canceled: false, filePaths: ['/data/cats'] });
    const picked: Array<[string[], string]> = [];
    const provider = createElectronDialogProvider(dialog, { window: () => undefined, picked: (paths, purpose) => picked.push([paths, purpose]) });
    const result = await provider.showOpenDialog(openDialogInputSchema.parse({ purpose: 'dataset-folder' }));
    expect(result).toEqual({ status: 'selected', paths: ['/data/cats'] });
    expect((calls[0] as OpenDialogOptions).properties).toEqual(['openDirectory']);
    expect(picked).toEqual([[['/data/cats'], 'dataset-folder']]);
  });

  it('opens projects as folders and answers cancelled without granting anything', async () => {
    const { dialog, calls } = fakeDialog({ canceled: true });
    const picked: string[][] = [];
    const provider = createElectronDialogProvider(dialog, { window: () => undefined, picked: (paths) => picked.push(paths) });
    await expect(provider.showOpenDialog(openDialogInputSchema.parse({ purpose: 'project' }))).resolves.toEqual({ status: 'cancelled' });
    expect((calls[0] as OpenDialogOptions).properties).toEqual(['openDirectory']);
    expect((calls[0] as OpenDialogOptions).filters).toEqual([]);
    await expect(provider.showSaveDialog(saveDialogInputSchema.parse({ purpose: 'export', defaultPath: '/tmp/m.onnx' }))).resolves.toEqual({ status: 'cancelled' });
    expect((calls[1] as SaveDialogOptions).defaultPath).toBe('/tmp/m.onnx');
    expect(picked).toEqual([]);
  });

  it('returns the save path', async () => {
    const { dialog } = fakeDialog({ canceled: false, filePath: '/out/model.onnx' });
    const provider = createElectronDialogProvider(dialog, { window: () => undefined, picked: () => undefined });
    await expect(provider.showSaveDialog(saveDialogInputSchema.parse({}))).resolves.toEqual({ status: 'selected', path: '/out/model.onnx' });
  });
});
