import { describe, expect, it } from 'vitest';
import { checkGraphFitsDataset } from '../../../../../main/engine/train/graphFit';
import { syntheticDataset, tinyGraph } from './datasetFixture';

const info = syntheticDataset().info;

describe('checkGraphFitsDataset', () => {
  it('accepts a graph whose input and output match the dataset', () => {
    expect(() => checkGraphFitsDataset(tinyGraph(8, 3), info)).not.toThrow();
  });

  it('names the input layer when the image shape differs', () => {
    expect(() => checkGraphFitsDataset(tinyGraph(10, 3), info)).toThrow(expect.objectContaining({ code: 'TRAIN_BAD_CONFIG', details: expect.objectContaining({ received: [10, 10, 1] }) }));
  });

  it('offers the resize / channel adapter with its arguments when the images do not fit', () => {
    expect(() => checkGraphFitsDataset(tinyGraph(16, 3), info)).toThrow(expect.objectContaining({
      code: 'TRAIN_BAD_CONFIG',
      message: expect.stringContaining('(Data and Train views: "Make a 16×16 grayscale copy"; CLI: model-lab data adapt <dataset> --size 16x16 --mode grayscale)'),
      details: expect.objectContaining({ adapter: { targetSize: [16, 16], colorMode: 'grayscale' } }),
    }));
  });

  it('refuses a pretrained base on one channel even when the dataset matches it', () => {
    const graph = tinyGraph(8, 3);
    graph.metadata = { ...graph.metadata, inputPreprocessing: { module: 'vgg16', mode: 'caffe' } };
    expect(() => checkGraphFitsDataset(graph, info)).toThrow(expect.objectContaining({ code: 'TRAIN_BAD_CONFIG', message: expect.stringContaining('take RGB images') }));
  });

  it('names the output layer when the class count differs', () => {
    expect(() => checkGraphFitsDataset(tinyGraph(8, 5), info)).toThrow(expect.objectContaining({ code: 'TRAIN_BAD_CONFIG', message: expect.stringMatching(/3 units/) }));
  });
});
