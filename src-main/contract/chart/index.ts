/** Chart code shared by the renderer and Node: smoothing, decimation, seed groups, the Chart.js config. */
export * from './aggregate';
export * from './config';
export * from './data';
export * from './datasets';
export * from './columns';
export * from './decimate';
export * from './legend';
export * from './packed';
export * from './palette';
export * from './smoothing';
export * from './theme';
export * from './xaxis';
export * from './paper-legend';
