export * from './types.js';
export * from './calendar.js';
export * from './engine.js';
export * from './gate.js';
export * from './catalogue.js';
export * from './rule-sets.js';
export * from './branches.js';
