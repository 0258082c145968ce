/**
 * Light or dark: the system's choice (`prefers-color-scheme`) unless the user picked one, which is
 * remembered. The theme belongs to the page like its window does, so it is one object for the page
 * rather than app context: charts drawn outside the app (a test, the Export preview) read it too.
 *
 * CSS follows `data-theme` on the root element (styles/app.css: every colour is a `light-dark()`
 * pair, `color-scheme` picks the side). Canvas charts cannot read CSS colours, so they take theirs
 * from `chartTheme()`, which is reactive: a chart drawn in an effect redraws when the theme changes.
 */
import { z } from 'zod';
import { BRIDGE_GLOBAL, CHART_THEMES, THEMES, type ChartTheme, type ThemeName } from '../../src-main/contract';
import { readStored, writeStored } from './stored';

export const THEME_CHOICES = ['system', ...THEMES] as const;
export type ThemeChoice = (typeof THEME_CHOICES)[number];

const STORAGE_KEY = 'theme';
const DARK_QUERY = '(prefers-color-scheme: dark)';
const choiceSchema = z.enum(THEME_CHOICES);

function systemPrefersDark(): boolean {
  return typeof matchMedia === 'function' && matchMedia(DARK_QUERY).matches;
}

export class ThemeState {
  /** What the user picked; 'system' follows the operating system. */
  choice: ThemeChoice = $state(readStored(STORAGE_KEY, choiceSchema, 'system'));
  #systemDark = $state(systemPrefersDark());

  /** The theme in effect. */
  get resolved(): ThemeName {
    if (this.choice !== 'system') return this.choice;
    return this.#systemDark ? 'dark' : 'light';
  }

  /** Picks a theme and remembers it. */
  choose(choice: ThemeChoice): void {
    this.choice = choice;
    writeStored(STORAGE_KEY, choice);
  }

  /**
   * Applies the theme to `root` now and whenever it changes, and follows the system's setting.
   * Returns the function that stops following.
   */
  start(root: HTMLElement = document.documentElement): () => void {
    const media = typeof matchMedia === 'function' ? matchMedia(DARK_QUERY) : null;
    const follow = (event: MediaQueryListEvent) => (this.#systemDark = event.matches);
    // Another window of the app picked a theme: this one follows.
    const picked = (event: StorageEvent) => {
      if (event.key?.endsWith(STORAGE_KEY)) this.choice = readStored(STORAGE_KEY, choiceSchema, 'system');
    };
    media?.addEventListener('change', follow);
    window.addEventListener('storage', picked);
    this.#systemDark = media?.matches ?? false;
    const stop = $effect.root(() => {
      $effect(() => {
        root.dataset.theme = this.resolved;
      });
      // In the desktop app, what Electron draws itself (title bar, menus, scroll bars) follows too.
      $effect(() => {
        window[BRIDGE_GLOBAL]?.setTheme(this.choice);
      });
    });
    return () => {
      media?.removeEventListener('change', follow);
      window.removeEventListener('storage', picked);
      stop();
    };
  }
}

/** The page's theme. */
export const theme = new ThemeState();

/** The colours of a screen chart in the theme in effect (reactive). */
export function chartTheme(): ChartTheme {
  return CHART_THEMES[theme.resolved];
}
