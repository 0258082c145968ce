/** The page's theme: remembered, put on the root element, and passed to the desktop window when there is one. */
import { flushSync } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BRIDGE_GLOBAL, type CliplabBridge } from '../../src-main/contract';
import { ThemeState } from '../../src-renderer/lib/theme.svelte';

afterEach(() => {
  localStorage.clear();
  delete window[BRIDGE_GLOBAL];
});

describe('ThemeState', () => {
  it('applies the choice to the root, remembers it, and tells the desktop window', () => {
    const setTheme = vi.fn();
    window[BRIDGE_GLOBAL] = { setTheme } as unknown as CliplabBridge;
    const root = document.createElement('div');
    const theme = new ThemeState();
    const stop = theme.start(root);
    flushSync();
    expect(theme.choice).toBe('system');
    expect(setTheme).toHaveBeenLastCalledWith('system');

    theme.choose('dark');
    flushSync();
    expect(root.dataset.theme).toBe('dark');
    expect(setTheme).toHaveBeenLastCalledWith('dark');
    expect(new ThemeState().choice).toBe('dark');
    stop();
    theme.choose('light');
    flushSync();
    expect(root.dataset.theme).toBe('dark');
  });

  it('falls back to following the system when the stored choice is not one', () => {
    localStorage.setItem('cliplab.theme', JSON.stringify('sepia'));
    expect(new ThemeState().choice).toBe('system');
  });
});
