import { describe, expect, it } from 'vitest';
import { modelCardSchema } from '../../../../common/api/methods/models';
import { modelCardMarkdown } from '../../../../main/formats/modelCard';

const CARD = modelCardSchema.parse({
  schemaVersion: 1,
  modelName: 'shoes',
  format: 'onnx',
  createdAt: '2024-06-11T12:00:00.000Z',
  classNames: ['boot', 'sandal'],
  inputShape: [28, 28, 1],
  colorMode: 'grayscale',
  resizeMode: 'center-crop',
  normalization: { scale: 1 / 255, offset: 0 },
  dataset: { name: 'Shoes', fingerprint: 'abc123' },
  metrics: { val_accuracy: 0.91 },
  hyperparameters: { epochs: 5 },
  source: { runId: 'run-1', checkpoint: 'best', epoch: 4 },
  parameters: { total: 1234, trainable: 1200, nonTrainable: 34 },
  verification: { runtime: 'onnxruntime-node', samples: 64, inputs: 'test-split', maxAbsDiff: 2e-7, tolerance: 1e-4 },
});

describe('modelCardMarkdown', () => {
  it('states what the model expects, its classes, training data and verification', () => {
    const text = modelCardMarkdown(CARD);
    expect(text).toContain('# shoes');
    expect(text).toContain('| Shape (NHWC, without batch) | [28,28,1] |');
    expect(text).toContain('| Colour mode | grayscale |');
    expect(text).toContain('| Resize mode | center-crop |');
    expect(text).toContain('0 = boot, 1 = sandal');
    expect(text).toContain('fingerprint `abc123`');
    expect(text).toContain('| val_accuracy | 0.91 |');
    expect(text).toContain('run `run-1`, best checkpoint (epoch 4)');
    expect(text).toContain('Re-read by onnxruntime-node: max |Δ| 2.00e-7 ≤ 1e-4 on 64 held-out test images.');
    expect(text).toContain('1,234 (1,200 trainable, 34 non-trainable)');
  });

  it('says so when a model has no training data or weights to verify', () => {
    const text = modelCardMarkdown({ ...CARD, format: 'keras-script', classNames: null, dataset: null, source: null, metrics: null, hyperparameters: null, verification: null, colorMode: null, resizeMode: null, normalization: null });
    expect(text).toContain('No class names');
    expect(text).toContain('Freshly initialised weights');
    expect(text).toContain('Not applicable: this format carries no weights.');
    expect(text).not.toMatch(/\n\n\n/);
    expect(text).not.toContain('## Warnings');
  });

  it('lists warnings a user of the file must know', () => {
    const text = modelCardMarkdown({ ...CARD, warnings: ['Layer "sub" (Subtract) loads only where Model Lab\'s Subtract class is registered.'] });
    expect(text).toContain('## Warnings\n\n- Layer "sub" (Subtract)');
  });
});
