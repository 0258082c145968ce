/** The two IPC channels between the main process and the preload: calls go one way, events the other. */
export const API_CHANNEL = 'cliplab:api';
export const EVENT_CHANNEL = 'cliplab:event';
