export * from './dispatcher.js';
export * from './processor.js';
export * from './planner.js';
export * from './policy-hook.js';
export * from './context.js';
export * from './apply-batch.js';
export * from './merge.js';
export { APPROVAL_LABELS } from './plan-jira.js';
export { classifyWriteFailure } from './failure-policy.js';
