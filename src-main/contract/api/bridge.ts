/**
 * What the Electron preload puts on `window.cliplab`: one function per API call plus an event
 * subscription. Errors cannot cross contextBridge with their fields intact (only the message
 * survives), so each call resolves to an outcome that carries either the value or an ApiErrorBody;
 * the renderer's client turns the latter back into an ApiError.
 */
import type { ApiErrorBody } from './errors';
import type { LabEvent } from './events';
import type { ApiArgs, ApiMethod, ApiResult } from './index';

/** The name of the global the preload exposes. */
export const BRIDGE_GLOBAL = 'cliplab';

export type ApiOutcome<R> = { ok: true; value: R } | { ok: false; error: ApiErrorBody };

/** What the app's theme switch can ask of the window: follow the system, or always light or dark. */
export const THEME_SOURCES = ['system', 'light', 'dark'] as const;
export type ThemeSource = (typeof THEME_SOURCES)[number];

export type CliplabBridge = {
  [K in ApiMethod]: (args: ApiArgs<K>) => Promise<ApiOutcome<ApiResult<K>>>;
} & {
  /** Subscribes to every lab event; returns the unsubscribe function. */
  onEvent(listener: (event: LabEvent) => void): () => void;
  /**
   * Tells the window the theme the page picked, so what Electron draws itself (title bar, menus,
   * scroll bars, the window's background while it repaints) matches the page.
   */
  setTheme(source: ThemeSource): void;
};
