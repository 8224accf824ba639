export * from './hash.js';
export * from './verify.js';
export * from './audit-log.js';
