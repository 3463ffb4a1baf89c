// @vitest-environment jsdom
import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import ProgressBar from '../../../../../renderer/components/common/ProgressBar.vue';

describe('ProgressBar', () => {
  it('fills to the percent and tells screen readers the value', () => {
    const wrapper = mount(ProgressBar, { props: { percent: 42.4, label: 'Import progress' } });
    const bar = wrapper.get('[role="progressbar"]');
    expect(bar.attributes('aria-label')).toBe('Import progress');
    expect(bar.attributes('aria-valuenow')).toBe('42');
    expect(wrapper.get('.fill').attributes('style')).toContain('width: 42.4%');
  });

  it('clamps values outside 0–100 and treats NaN as nothing done', async () => {
    const wrapper = mount(ProgressBar, { props: { percent: 130, label: 'Upload progress' } });
    expect(wrapper.get('.fill').attributes('style')).toContain('width: 100%');
    await wrapper.setProps({ percent: -5 });
    expect(wrapper.get('.fill').attributes('style')).toContain('width: 0%');
    await wrapper.setProps({ percent: Number.NaN });
    expect(wrapper.get('[role="progressbar"]').attributes('aria-valuenow')).toBe('0');
  });
});
