/** Everything shared by Node and the renderer. No Node or DOM imports below this folder. */
export * from './api';
export * from './config';
export * from './identity';
export * from './metrics';
export * from './presets';
export * from './runs';
export * from './tasks';
export * from './validate';
