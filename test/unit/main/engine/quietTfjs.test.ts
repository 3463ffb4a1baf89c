import { afterEach, describe, expect, it, vi } from 'vitest';
import { initBackend } from '../../../../main/engine/backend';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('TF.js console advice', () => {
  it("is not printed: the lab reports its backend itself, so the first tensor on the CPU backend says nothing", async () => {
    const printed: string[] = [];
    for (const method of ['log', 'warn', 'info'] as const) vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(' ')));
    const { tf, report } = await initBackend({ preference: 'cpu' });
    expect(report.chosen).toBe('cpu');
    const tensor = tf.tensor([1, 2, 3]);
    expect(Array.from(await tensor.data())).toEqual([1, 2, 3]);
    tensor.dispose();
    expect(printed.filter((line) => line.includes('TensorFlow.js in Node.js'))).toEqual([]);
  });
});
