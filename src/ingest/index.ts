export * from './poll-runner.js';
export * from './accept-webhook.js';
export * from './poll-job.js';
export * from './scheduler.js';
export * from './schedule-tick.js';
