// @vitest-environment jsdom
// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- the test project does not include renderer/, and plain tsc needs its .vue shim
/// <reference path="../../../../../renderer/env.d.ts" />
import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import ExportJobRow from '../../../../../renderer/components/export/ExportJobRow.vue';
import type { ExportJob } from '../../../../../renderer/stores/exportStore';

const verification = {
  runtime: "Model Lab's Keras H5 reader", samples: 64, inputs: 'test-split' as const, maxAbsDiff: 1.2e-7, tolerance: 1e-4,
  structure: { checker: 'h5py 3.10.0 (Python 3.12.3)', detail: "Functional model config, 12 weight arrays of 5 layers with the model's shapes" },
};

function job(files: string[]): ExportJob {
  return { format: 'h5', outPath: '/out/net.h5', stage: 'done', fraction: 1, message: '', error: null, result: { format: 'h5', files, modelCardPath: '/out/model-card.json', verification, warnings: [] } };
}

describe('ExportJobRow', () => {
  it('names what verified the file, and what checked its structure', () => {
    const wrapper = mount(ExportJobRow, { props: { job: job(['/out/net.h5']), title: 'Keras HDF5' } });
    expect(wrapper.get('.detail').text()).toBe(
      "Re-read by Model Lab's Keras H5 reader: max |Δ| 1.20e-7 ≤ 1e-4 on 64 held-out test images; structure checked by h5py 3.10.0 (Python 3.12.3): Functional model config, 12 weight arrays of 5 layers with the model's shapes.",
    );
  });

  it('counts the files written in the right number', () => {
    expect(mount(ExportJobRow, { props: { job: job(['/out/net.h5']), title: 'Keras HDF5' } }).get('summary').text()).toBe('1 file');
    expect(mount(ExportJobRow, { props: { job: job(['/out/net.h5', '/out/model-card.json', '/out/model-card.md']), title: 'Keras HDF5' } }).get('summary').text()).toBe('3 files');
  });
});
