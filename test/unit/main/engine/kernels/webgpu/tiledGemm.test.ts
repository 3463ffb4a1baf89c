import { describe, expect, it } from 'vitest';
import { chooseGemmSplit, gemmDispatch, GEMM_TILE, GEMM_TILE_K } from '../../../../../../main/engine/kernels/webgpu/tiledGemm';

describe('tiled GEMM sizing', () => {
  it('splits a long k into slices of whole 16-steps that cover it, and leaves a short one whole', () => {
    const long = chooseGemmSplit(576, 64, 131_072);
    expect(long.splits).toBeGreaterThan(1);
    expect(long.kPerSplit % GEMM_TILE_K).toBe(0);
    expect(long.splits * long.kPerSplit).toBeGreaterThanOrEqual(131_072);
    expect((long.splits - 1) * long.kPerSplit).toBeLessThan(131_072);
    expect(chooseGemmSplit(131_072, 64, 576).splits).toBe(1);
  });

  it('continues row tiles in z beyond the 65,535 workgroups a dimension holds, per split', () => {
    expect(gemmDispatch(1000, 70, { splits: 3, kPerSplit: 512 })).toEqual([2, 16, 3]);
    const rows = 65_537 * GEMM_TILE;
    const [columns, rowTiles, z] = gemmDispatch(rows, 8, { splits: 2, kPerSplit: 16 });
    expect([columns, rowTiles, z]).toEqual([1, 65_535, 4]);
    // Workgroup (y, z) computes row tile y + (z / splits) · rowTiles: every tile, once per split.
    expect(rowTiles * (z / 2)).toBeGreaterThanOrEqual(rows / GEMM_TILE);
  });
});
