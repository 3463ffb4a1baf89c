// @vitest-environment jsdom
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Evaluation } from '../../../../common/training/evaluation';
import { createFakeLabClient } from './fakeLabClient';

const fake = vi.hoisted(() => ({ client: null as unknown as ReturnType<typeof createFakeLabClient> }));
vi.mock('../../../../renderer/api/labClient', () => ({
  get labClient() {
    return fake.client;
  },
  labTransport: 'websocket',
}));

const EvaluateView = (await import('../../../../renderer/views/EvaluateView.vue')).default;

const metrics = { precision: 0.5, recall: 0.5, f1: 0.5, support: 4 };
const evaluation: Evaluation = {
  runId: 'r1', checkpoint: 'best', split: 'test', examples: 8, loss: 0.7, accuracy: 0.625, topK: { k: 2, accuracy: 1 },
  classes: ['cat', 'dog'],
  confusionMatrix: [[3, 1], [2, 2]],
  perClass: [{ ...metrics, className: 'cat' }, { ...metrics, className: 'dog' }],
  macroAverage: metrics, weightedAverage: metrics,
  misclassified: [
    { index: 11, trueClass: 1, predictedClass: 0, confidence: 0.6, loss: 0.9, thumbnail: 'data:a' },
    { index: 12, trueClass: 1, predictedClass: 0, confidence: 0.9, loss: 2.3, thumbnail: 'data:b' },
    { index: 13, trueClass: 0, predictedClass: 1, confidence: 0.7, loss: 1.2, thumbnail: 'data:c' },
  ],
  evaluatedAt: '',
};

beforeEach(() => {
  fake.client = createFakeLabClient();
  setActivePinia(createPinia());
  fake.client.listRuns.mockResolvedValue([{ id: 'r1', name: 'first', createdAt: '', status: 'completed', epochsCompleted: 2, best: null, endReason: null, epochs: 2, optimizer: 'adam', datasetName: 'pets', finalLogs: null }]);
  fake.client.getRun.mockResolvedValue({ spec: {}, history: [], evaluation: null, runDir: '/r1' });
  fake.client.evaluateRun.mockResolvedValue(evaluation);
});

/** The view mounted with the run evaluated. */
async function evaluatedView() {
  const wrapper = mount(EvaluateView, { global: { plugins: [createPinia()] } });
  await flushPromises();
  await wrapper.get('[data-testid="eval-run-button"]').trigger('click');
  await flushPromises();
  return wrapper;
}

/** Clicks a confusion-matrix cell and waits for its images. */
async function clickCell(wrapper: Awaited<ReturnType<typeof evaluatedView>>, row: number, column: number): Promise<void> {
  await wrapper.get(`[data-testid="cm-cell-${row}-${column}"]`).trigger('click');
  await flushPromises();
}

describe('EvaluateView', () => {
  it('evaluates the chosen run and shows metrics, the matrix and per-class scores', async () => {
    const wrapper = await evaluatedView();
    expect(fake.client.evaluateRun.mock.calls[0]?.[0]).toMatchObject({ runId: 'r1', checkpoint: 'best' });
    expect(wrapper.get('[data-testid="eval-accuracy"]').text()).toBe('62.50%');
    expect(wrapper.get('[data-testid="cm-cell-1-0"]').text()).toBe('2');
    expect(wrapper.get('[data-testid="class-metrics"]').text()).toContain('dog');
  });

  it('shows the images of a clicked cell, as the lab ranks them by loss, with their confidence', async () => {
    fake.client.getConfusionCellImages.mockResolvedValue({
      trueClass: 1, predictedClass: 0, total: 2,
      images: [
        { index: 12, trueClass: 1, predictedClass: 0, confidence: 0.9, loss: 2.3, thumbnail: 'data:b' },
        { index: 11, trueClass: 1, predictedClass: 0, confidence: 0.6, loss: 0.9, thumbnail: 'data:a' },
      ],
    });
    const wrapper = await evaluatedView();
    await clickCell(wrapper, 1, 0);
    expect(fake.client.getConfusionCellImages.mock.calls[0]?.[0]).toMatchObject({ runId: 'r1', checkpoint: 'best', trueClass: 1, predictedClass: 0 });
    const images = wrapper.findAll('[data-testid="cell-image"]');
    expect(images.map((image) => image.get('img').attributes('src'))).toEqual(['data:b', 'data:a']);
    expect(images[0]?.text()).toContain('loss 2.30 · 90%');
    expect(images[0]?.attributes('title')).toContain('true dog, predicted cat');
    expect(wrapper.get('[data-testid="cell-images"]').text()).toContain('dog predicted as cat · 2 images');
  });

  it('shows the correct predictions of a diagonal cell, and says when only the highest losses are shown', async () => {
    fake.client.getConfusionCellImages.mockResolvedValue({
      trueClass: 0, predictedClass: 0, total: 3,
      images: [{ index: 4, trueClass: 0, predictedClass: 0, confidence: 0.55, loss: 0.6, thumbnail: 'data:d' }],
    });
    const wrapper = await evaluatedView();
    await clickCell(wrapper, 0, 0);
    const panel = wrapper.get('[data-testid="cell-images"]');
    expect(panel.text()).toContain('cat predicted as cat · 3 images');
    expect(panel.text()).toContain('Showing the 1 with the highest loss.');
    expect(wrapper.findAll('[data-testid="cell-image"]').map((image) => image.text())).toEqual(['loss 0.60 · 55%']);
  });

  it('shows why a cell could not be listed', async () => {
    fake.client.getConfusionCellImages.mockRejectedValue(new Error('Expected a saved evaluation with per-example predictions; evaluate the run first.'));
    const wrapper = await evaluatedView();
    await clickCell(wrapper, 1, 1);
    expect(wrapper.get('[data-testid="cell-images-error"]').text()).toContain('evaluate the run first');
    expect(wrapper.findAll('[data-testid="cell-image"]')).toHaveLength(0);
  });
});
