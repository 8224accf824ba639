// Public surface of the runtime layer: connectors and the composition root import from here.
export { type Clock, systemClock, ManualClock } from './clock.js';
export {
  ChangebridgeError,
  UserError,
  HttpError,
  isGoneError,
  RetryableError,
  formatErrorForCli,
  type ChangebridgeErrorOptions,
  type HttpErrorDetails,
} from './errors.js';
export {
  createLogger,
  createNullLogger,
  createMemoryLogger,
  type Logger,
  type LogLevel,
  type LogFields,
  type LoggerOptions,
  type MemoryLogger,
} from './logger.js';
export { redact, redactString, isSecretKey, REDACTED, type RedactOptions } from './redact.js';
export { SecretRegistry, secretRegistry, registerSecret } from './secret-registry.js';
export { summariseVendorErrorBody } from './vendor-error-body.js';
export { toFailureInfo, lowerCaseHeaders, type FailureInfo } from './failure-info.js';
export { parseRetryAfter, parseRateLimitReset, type ServerWait } from './retry-headers.js';
export { classifyError, type RetryDecision, type RetryPolicy } from './retry-classifier.js';
export {
  DEFAULT_HTTP_SETTINGS,
  resolveHttpSettings,
  validateHttpSettings,
  hostKeyOf,
  type HttpSettings,
  type HttpSettingsConfig,
} from './http-settings.js';
export type { HostStats, HttpMetric, ScheduleOptions } from './host-scheduler.js';
export type {
  AuthHook,
  HttpClient,
  HttpClientOptions,
  HttpMethod,
  HttpRequest,
  HttpResponse,
  QueryValue,
  RequestOptions,
} from './http-client.js';
export {
  createHttpClientFactory,
  type HttpClientFactory,
  type HttpClientFactoryOptions,
} from './http.js';
export { safeEqual, hmacSha256, matchesAnySecret, verifyHubSignature } from './signatures.js';
export { seededRandom } from './seeded-random.js';
