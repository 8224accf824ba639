export * from './poll-runner.js';
export * from './accept-webhook.js';
