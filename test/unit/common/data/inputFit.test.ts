import { describe, expect, it } from 'vitest';
import { inputMismatch } from '../../../../common/data/inputFit';

const mnist = { name: 'mnist', imageShape: [28, 28, 1] as [number, number, number] };
const cats = { name: 'cats', imageShape: [32, 32, 3] as [number, number, number] };

describe('inputMismatch', () => {
  it('is null when the images fit the input', () => {
    expect(inputMismatch([28, 28, 1], mnist)).toBeNull();
    expect(inputMismatch([32, 32, 3], cats, { module: 'vgg16', mode: 'caffe' })).toBeNull();
  });

  it('offers a copy at the model\'s size with three channels from grayscale', () => {
    const mismatch = inputMismatch([75, 75, 3], mnist, { module: 'inception_v3', mode: 'tf' });
    expect(mismatch?.adapter).toEqual({ targetSize: [75, 75], colorMode: 'rgb' });
    expect(mismatch?.message).toBe('The model takes 75×75×3 images; mnist has 28×28×1. Make a 75×75 RGB copy of the dataset (three channels from grayscale), or change the Input layer.');
  });

  it('offers a smaller grayscale copy, and only the Input layer for other channel counts', () => {
    expect(inputMismatch([16, 16, 1], cats)?.adapter).toEqual({ targetSize: [16, 16], colorMode: 'grayscale' });
    expect(inputMismatch([32, 32, 4], cats)?.adapter).toBeNull();
    expect(inputMismatch([null, 32, 3], cats)?.adapter).toBeNull();
  });

  it('takes one-channel images for a (height, width) input, and offers a grayscale copy at its size', () => {
    expect(inputMismatch([28, 28], mnist)).toBeNull();
    expect(inputMismatch([16, 16], mnist)?.adapter).toEqual({ targetSize: [16, 16], colorMode: 'grayscale' });
    expect(inputMismatch([32, 32], cats)?.message).toBe('The model takes 32×32 images; cats has 32×32×3. Make a 32×32 grayscale copy of the dataset, or change the Input layer.');
  });

  it('tells a one-channel model with a pretrained base to take RGB inputs', () => {
    const mismatch = inputMismatch([28, 28, 1], mnist, { module: 'vgg16', mode: 'caffe' });
    expect(mismatch?.adapter).toBeNull();
    expect(mismatch?.message).toContain('take RGB images, 3 channels');
    expect(mismatch?.message).toContain('28×28×3');
  });
});
