export * from './types.js';
export * from './compare-change.js';
export * from './unauthorised.js';
