/** The IPC channels between the main process and the preload: calls and the theme go one way, events the other. */
export const API_CHANNEL = 'cliplab:api';
export const EVENT_CHANNEL = 'cliplab:event';
/** The page's theme choice, page to main (fire and forget). */
export const THEME_CHANNEL = 'cliplab:theme';
