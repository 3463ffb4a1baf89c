// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { applyToFocusedText, isTextTarget, TEXT_HISTORY_EVENT } from '../../../../renderer/shell/textHistory';

afterEach(() => {
  document.body.innerHTML = '';
  vi.restoreAllMocks();
});

describe('textHistory', () => {
  it('tells text fields and the code editor from everything else', () => {
    document.body.innerHTML = '<input id="field"><div class="monaco-editor"><textarea id="code"></textarea></div><button id="button"></button>';
    expect(isTextTarget(document.getElementById('field'))).toBe(true);
    expect(isTextTarget(document.getElementById('code'))).toBe(true);
    expect(isTextTarget(document.getElementById('button'))).toBe(false);
    expect(isTextTarget(null)).toBe(false);
  });

  it('leaves undo to the graph when no text has focus', () => {
    document.body.innerHTML = '<button id="button"></button>';
    document.getElementById('button')?.focus();
    expect(applyToFocusedText('undo')).toBe(false);
  });

  it("undoes in a focused field's own history", () => {
    document.body.innerHTML = '<input id="field">';
    document.getElementById('field')?.focus();
    // jsdom has no editing commands; the browser's execCommand is what the field's history answers to.
    const execCommand = vi.fn(() => true);
    Object.defineProperty(document, 'execCommand', { value: execCommand, configurable: true });
    expect(applyToFocusedText('redo')).toBe(true);
    expect(execCommand).toHaveBeenCalledWith('redo');
  });

  it('hands undo to the focused code editor through its element', () => {
    document.body.innerHTML = '<div id="host"><div class="monaco-editor"><textarea id="code"></textarea></div></div>';
    const seen: unknown[] = [];
    document.getElementById('host')?.addEventListener(TEXT_HISTORY_EVENT, (event) => seen.push((event as CustomEvent).detail));
    document.getElementById('code')?.focus();
    expect(applyToFocusedText('undo')).toBe(true);
    expect(seen).toEqual(['undo']);
  });
});
