import { describe, expect, it } from 'vitest';
import { resizeToTarget } from '../../../../main/data/resize';
import { decodeBmp, encodeBmp } from '../../../../main/data/bmp';
import { addChannelSums } from '../../../../main/data/stats';

const grey = (width: number, height: number, values: number[]) => ({ data: Uint8Array.from(values), width, height, channels: 1 });

describe('resizeToTarget', () => {
  it('adds the per-channel sums of its output, gathered in the same pass or after it', () => {
    const pattern = (width: number, height: number, channels: number) => ({ data: Uint8Array.from({ length: width * height * channels }, (_, i) => (i * 53 + 7) % 256), width, height, channels });
    for (const [channels, colorMode] of [[3, 'rgb'], [4, 'rgb'], [1, 'rgb'], [3, 'grayscale'], [2, 'grayscale']] as const) {
      const preprocessing = { targetSize: [5, 6] as [number, number], colorMode, resizeMode: 'letterbox' as const };
      const outChannels = colorMode === 'rgb' ? 3 : 1;
      const sums = Float64Array.of(1, 2, 3, 4, 5, 6).subarray(0, 2 * outChannels);
      const before = Array.from(sums);
      const pixels = resizeToTarget(pattern(11, 7, channels), preprocessing, undefined, sums);
      expect(Array.from(pixels)).toEqual(Array.from(resizeToTarget(pattern(11, 7, channels), preprocessing)));
      const expected = new Float64Array(2 * outChannels);
      addChannelSums(pixels, outChannels, expected);
      expect(expected.some((v) => v > 0)).toBe(true);
      expect(Array.from(sums)).toEqual(before.map((v, k) => v + expected[k]!));
    }
  });

  it('samples as tf.image.resize bilinear with half-pixel centres', () => {
    // tf.image.resize([[0, 40], [80, 120]], [4, 4]) in TensorFlow gives these rows.
    const out = resizeToTarget(grey(2, 2, [0, 40, 80, 120]), { targetSize: [4, 4], colorMode: 'grayscale', resizeMode: 'squash' });
    expect(Array.from(out)).toEqual([0, 10, 30, 40, 20, 30, 50, 60, 60, 70, 90, 100, 80, 90, 110, 120]);
  });

  it('is the identity at the same size', () => {
    const values = Array.from({ length: 12 }, (_, i) => i * 20);
    expect(Array.from(resizeToTarget(grey(4, 3, values), { targetSize: [3, 4], colorMode: 'grayscale', resizeMode: 'squash' }))).toEqual(values);
  });

  it('crops the centred window for center-crop and pads with zeros for letterbox', () => {
    const wide = grey(4, 2, [1, 2, 3, 4, 5, 6, 7, 8]);
    expect(Array.from(resizeToTarget(wide, { targetSize: [2, 2], colorMode: 'grayscale', resizeMode: 'center-crop' }))).toEqual([2, 3, 6, 7]);
    expect(Array.from(resizeToTarget(wide, { targetSize: [4, 4], colorMode: 'grayscale', resizeMode: 'letterbox' }))).toEqual([0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0]);
  });

  it('keeps its pixel values for downscaling, letterbox RGBA to grey and center-crop grey+alpha to RGB', () => {
    // Pinned from the reference per-pixel implementation: any change in arithmetic order shows here.
    const ramp = (width: number, height: number, channels: number) => ({ data: Uint8Array.from({ length: width * height * channels }, (_, i) => (i * 37 + 11) % 256), width, height, channels });
    expect(Array.from(resizeToTarget(ramp(9, 6, 3), { targetSize: [4, 4], colorMode: 'rgb', resizeMode: 'squash' }))).toEqual([
      98, 111, 148, 100, 113, 142, 62, 99, 136, 95, 92, 129, 133, 146, 111, 62, 99, 104, 24, 61, 98, 178, 55, 92, 95, 132, 97, 81, 62, 99, 211, 80, 61, 140, 177, 94, 178, 95, 132, 211, 24, 61, 173, 210, 23,
      103, 140, 177,
    ]);
    expect(Array.from(resizeToTarget(ramp(7, 5, 4), { targetSize: [3, 4], colorMode: 'grayscale', resizeMode: 'letterbox' }))).toEqual([101, 100, 135, 138, 110, 101, 136, 130, 130, 121, 156, 150]);
    expect(Array.from(resizeToTarget(ramp(5, 7, 2), { targetSize: [2, 3], colorMode: 'rgb', resizeMode: 'center-crop' }))).toEqual([164, 164, 164, 160, 160, 160, 91, 91, 91, 143, 143, 143, 139, 139, 139, 198, 198, 198]);
  });

  it('converts RGB to grey with ITU-R 601 weights and grey to RGB by repetition', () => {
    const rgb = { data: Uint8Array.of(255, 0, 0, 0, 255, 0), width: 2, height: 1, channels: 3 };
    expect(Array.from(resizeToTarget(rgb, { targetSize: [1, 2], colorMode: 'grayscale', resizeMode: 'squash' }))).toEqual([76, 150]);
    expect(Array.from(resizeToTarget(grey(1, 1, [9]), { targetSize: [1, 1], colorMode: 'rgb', resizeMode: 'squash' }))).toEqual([9, 9, 9]);
  });
});

describe('decodeBmp', () => {
  it('round-trips a 24-bit bitmap with padded rows', () => {
    const rgb = Uint8Array.from({ length: 3 * 2 * 3 }, (_, i) => i * 10);
    const decoded = decodeBmp(encodeBmp(3, 2, rgb));
    expect([decoded.width, decoded.height]).toEqual([3, 2]);
    expect(Array.from(decoded.rgb)).toEqual(Array.from(rgb));
  });

  it('rejects a truncated bitmap with DATASET_BAD_FILE', () => {
    const bytes = encodeBmp(8, 8, new Uint8Array(8 * 8 * 3));
    expect(() => decodeBmp(bytes.subarray(0, bytes.length - 10))).toThrow(expect.objectContaining({ code: 'DATASET_BAD_FILE' }));
  });

  it('reads an 8-bit palette bitmap', () => {
    // 2x1 pixels, palette entries 0 = blue, 1 = red (stored BGRA).
    const header = new Uint8Array(54 + 8 + 4);
    const view = new DataView(header.buffer);
    header[0] = 0x42;
    header[1] = 0x4d;
    view.setUint32(10, 62, true);
    view.setUint32(14, 40, true);
    view.setInt32(18, 2, true);
    view.setInt32(22, 1, true);
    view.setUint16(26, 1, true);
    view.setUint16(28, 8, true);
    view.setUint32(46, 2, true);
    header.set([255, 0, 0, 0, 0, 0, 255, 0], 54);
    header.set([1, 0, 0, 0], 62);
    expect(Array.from(decodeBmp(header).rgb)).toEqual([255, 0, 0, 0, 0, 255]);
  });
});
