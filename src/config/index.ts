export {
  DEFAULT_CONFIG_PATH,
  EMBEDDED_DEFAULTS,
  loadConfig,
  parseConfigText,
  resolveConfigPath,
  type ConfigLocation,
  type FileSystem,
  type LoadConfigOptions,
  type LoadedConfig,
} from './loader.js';
export {
  configSchema,
  HTTP_DEFAULTS,
  type Config,
  type ConnectionsConfig,
  type DatabaseConfig,
  type GitHubConnection,
  type GitLabConnection,
  type HttpLimits,
  type JiraConnection,
  type LoggingConfig,
  type SchedulesConfig,
  type SyncConfig,
  type ServerConfig,
  type ServiceNowConnection,
} from './schema.js';
export { ConfigError, EX_CONFIG, formatIssue, type ConfigIssue, type Severity } from './errors.js';
export { parseDatabaseUrl, type DatabaseTarget } from './database-url.js';
export { describeEffectiveConfig, maskConfig, MASK } from './mask.js';
export { cronProblem } from './cron.js';
export type { Env } from './env.js';
