import { describe, expect, it } from 'vitest';
import { inputTakesImages } from '../../../../common/graph/imageInput';

describe('inputTakesImages', () => {
  it('takes images of its own shape, and one-channel images for an (H, W) input as Keras writes grayscale models', () => {
    expect(inputTakesImages([28, 28, 1], [28, 28, 1])).toBe(true);
    expect(inputTakesImages([32, 32, 3], [32, 32, 3])).toBe(true);
    expect(inputTakesImages([28, 28], [28, 28, 1])).toBe(true);
  });

  it('refuses other sizes, colour images for an (H, W) input, and other ranks', () => {
    expect(inputTakesImages([28, 28], [28, 28, 3])).toBe(false);
    expect(inputTakesImages([28, 28], [32, 28, 1])).toBe(false);
    expect(inputTakesImages([28, 28, 3], [28, 28, 1])).toBe(false);
    expect(inputTakesImages([784], [28, 28, 1])).toBe(false);
    expect(inputTakesImages([1, 28, 28, 1], [28, 28, 1])).toBe(false);
    expect(inputTakesImages([null, 28], [28, 28, 1])).toBe(false);
  });
});
