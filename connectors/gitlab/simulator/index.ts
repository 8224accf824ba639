export {
  startGitLabSimulator,
  type GitLabSimulator,
  type GitLabSimulatorOptions,
} from './server.js';
export { GitLabSimState, SimError, STATUS_CHECK_TIMEOUT_MS, type SimHappening } from './state.js';
export { seedGitLab, type SeedOptions, type SeedResult } from './seed.js';
export {
  buildHookRequest,
  buildStatusCheckRequest,
  HookSender,
  type Delivery,
  type OutgoingRequest,
} from './hook-sender.js';
export { Faults, RateLimiter, type Fault, type RateLimitConfig } from './limits.js';
export type * from './model.js';
