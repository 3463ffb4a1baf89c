import { describe, expect, it } from 'vitest';
import { main } from '../../../../main/cli';
import { bufferIo } from './bufferIo';
import { backendReportSchema } from '../../../../common/training/backend';


describe('model-lab info', () => {
  it('prints the chosen backend, the device and every candidate with its reason', async () => {
    const io = bufferIo();
    expect(await main(['info'], io)).toBe(0);
    expect(io.stdout).toMatch(/^Model Lab \S+ on /);
    expect(io.stdout).toMatch(/Backend: \S+/);
    expect(io.stdout).toMatch(/Device: {2}\S+/);
    for (const name of ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']) expect(io.stdout).toContain(name);
    expect(io.stdout).toContain('@tensorflow/tfjs-node-gpu');
  });

  it('--json prints the BackendReport', async () => {
    const io = bufferIo();
    expect(await main(['info', '--json'], io)).toBe(0);
    const report = backendReportSchema.parse(JSON.parse(io.stdout));
    expect(report.candidates).toHaveLength(4);
  });
});
