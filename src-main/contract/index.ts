/** Everything shared by Node and the renderer. No Node or DOM imports below this folder. */
export * from './api';
export * from './api/bridge';
export * from './chart';
export * from './config';
export * from './config-overrides';
export * from './diagnostics';
export * from './figure';
export * from './format';
export * from './identity';
export * from './metrics';
export * from './models-folder';
export * from './presets';
export * from './runs';
export * from './tasks';
export * from './validate';
export * from './views';
export * from './json';
