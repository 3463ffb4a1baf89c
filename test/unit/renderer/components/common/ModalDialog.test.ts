// @vitest-environment jsdom
// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- the test project does not include renderer/, and plain tsc needs its .vue shim
/// <reference path="../../../../../renderer/env.d.ts" />
import { mount, type VueWrapper } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { defineComponent, h, nextTick, ref } from 'vue';
import ModalDialog from '../../../../../renderer/components/common/ModalDialog.vue';

const mounted: VueWrapper[] = [];
afterEach(() => {
  for (const wrapper of mounted.splice(0)) wrapper.unmount();
  document.body.innerHTML = '';
});

function mountDialog(props: Record<string, unknown> = {}, slots: Record<string, string> = {}): VueWrapper {
  const wrapper = mount(ModalDialog, {
    props: { title: 'Pick a thing', ...props },
    attrs: { 'data-testid': 'the-dialog' },
    slots: { default: '<input data-testid="field" /><button data-testid="inner">Inner</button>', ...slots },
    attachTo: document.body,
  });
  mounted.push(wrapper);
  return wrapper;
}

function pressEscape(): void {
  window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', cancelable: true }));
}

describe('ModalDialog', () => {
  it('is a modal dialog named by its title, with the attributes on the panel', () => {
    const wrapper = mountDialog();
    const panel = wrapper.get('[role="dialog"]');
    expect(panel.attributes('data-testid')).toBe('the-dialog');
    expect(panel.attributes('aria-modal')).toBe('true');
    const labelId = panel.attributes('aria-labelledby');
    expect(labelId).toBeTruthy();
    expect(document.getElementById(labelId ?? '')?.textContent).toBe('Pick a thing');
  });

  it('closes with Esc, and only the topmost of two stacked dialogs', async () => {
    const closed: string[] = [];
    const outer = mountDialog({ onClose: () => closed.push('outer') });
    const inner = mountDialog({ title: 'Inner', onClose: () => closed.push('inner') });
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', cancelable: true }));
    expect(closed).toEqual([]);
    pressEscape();
    expect(closed).toEqual(['inner']);
    inner.unmount();
    mounted.splice(mounted.indexOf(inner), 1);
    await nextTick();
    pressEscape();
    expect(closed).toEqual(['inner', 'outer']);
    outer.unmount();
    mounted.splice(0);
    pressEscape();
    expect(closed).toEqual(['inner', 'outer']);
  });

  it('moves focus into the dialog on open (its [autofocus] control, else the panel) and back to the opener on close', async () => {
    const open = ref(false);
    const Host = defineComponent({
      setup: () => () => [
        h('button', { 'data-testid': 'opener', onClick: () => (open.value = true) }, 'Open'),
        open.value ? h(ModalDialog, { title: 'Focus', onClose: () => (open.value = false) }, { default: () => h('input', { 'data-testid': 'wanted', autofocus: true }) }) : null,
      ],
    });
    const host = mount(Host, { attachTo: document.body });
    mounted.push(host);
    const opener = host.get('[data-testid="opener"]').element as HTMLButtonElement;
    opener.focus();
    await host.get('[data-testid="opener"]').trigger('click');
    expect(document.activeElement).toBe(host.get('[data-testid="wanted"]').element);
    pressEscape();
    await nextTick();
    expect(host.find('[role="dialog"]').exists()).toBe(false);
    expect(document.activeElement).toBe(opener);

    const plain = mountDialog({}, { default: '<p>Nothing to focus here.</p>' });
    expect(document.activeElement).toBe(plain.get('[role="dialog"]').element);
  });

  it('keeps Tab inside the dialog', async () => {
    const wrapper = mountDialog({}, { footer: '<button data-testid="last">Last</button>' });
    const close = wrapper.get('button[aria-label="Close"]');
    const last = wrapper.get('[data-testid="last"]');
    (last.element as HTMLElement).focus();
    await last.trigger('keydown', { key: 'Tab' });
    expect(document.activeElement).toBe(close.element);
    await close.trigger('keydown', { key: 'Tab', shiftKey: true });
    expect(document.activeElement).toBe(last.element);
  });

  it('closes on a click on the backdrop unless told not to, but not on a click inside or a drag that ends outside', async () => {
    const wrapper = mountDialog();
    const backdrop = wrapper.get('[data-modal-backdrop]');
    await wrapper.get('[data-testid="inner"]').trigger('click');
    expect(wrapper.emitted('close')).toBeUndefined();
    await wrapper.get('[data-testid="field"]').trigger('mousedown');
    await backdrop.trigger('click');
    expect(wrapper.emitted('close')).toBeUndefined();
    await backdrop.trigger('mousedown');
    await backdrop.trigger('click');
    expect(wrapper.emitted('close')).toHaveLength(1);

    const sticky = mountDialog({ closeOnBackdrop: false });
    const stickyBackdrop = sticky.get('[data-modal-backdrop]');
    await stickyBackdrop.trigger('mousedown');
    await stickyBackdrop.trigger('click');
    expect(sticky.emitted('close')).toBeUndefined();
  });

  it('closes from the title bar ×, which carries the given test id, and renders the footer only when given', async () => {
    const wrapper = mountDialog({ closeTestId: 'thing-close' });
    expect(wrapper.find('footer').exists()).toBe(false);
    await wrapper.get('[data-testid="thing-close"]').trigger('click');
    expect(wrapper.emitted('close')).toHaveLength(1);
    const withFooter = mountDialog({}, { footer: '<button>OK</button>' });
    expect(withFooter.get('footer').text()).toBe('OK');
  });
});
