export * from './model.js';
export * from './load-dir.js';
export * from './live.js';
