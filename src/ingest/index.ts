export * from './poll-runner.js';
