import axios, { type AxiosAdapter, type AxiosRequestConfig } from 'axios';
import { systemClock, type Clock } from './clock.js';
import { createHttpClient, type HttpClient, type HttpClientOptions } from './http-client.js';
import {
  HostScheduler,
  type HostStats,
  type HttpMetric,
  type ScheduleOptions,
} from './host-scheduler.js';
import {
  hostKeyOf,
  resolveHttpSettings,
  validateHttpSettings,
  type HttpSettings,
  type HttpSettingsConfig,
} from './http-settings.js';
import type { Logger } from './logger.js';

/**
 * The one way out to the network. Built once in the composition root from the config's
 * `http` block and handed to every connector, so all traffic to a host — whichever
 * connector or library sends it — shares that host's queue, rate limits and retries.
 */

export interface HttpClientFactoryOptions extends HttpSettingsConfig {
  logger: Logger;
  clock?: Clock;
  /** Jitter source in [0, 1); inject a constant for deterministic tests. */
  random?: () => number;
  /** Optional metrics sink (Prometheus wiring lives in src/report). */
  onMetric?: (metric: HttpMetric) => void;
}

export interface HttpClientFactory {
  /** A client for one base URL; clients of the same host share its queue. */
  client(baseUrl: string, options?: HttpClientOptions): HttpClient;
  /**
   * Run any call through `host`'s queue and the retry layer. For SDK calls that do not
   * go through axios; errors they throw are classified like HTTP failures when they
   * carry a status/code (or wrap an axios error in `cause`), and passed through as-is.
   */
  schedule<T>(
    host: string,
    fn: (attempt: number) => Promise<T>,
    options: ScheduleOptions,
  ): Promise<T>;
  /**
   * An axios adapter that sends each request through the queue and retry layer of the
   * request's host. Give it to a third-party axios-based client, e.g. jira.js:
   * `new Version3Client({ host, authentication, baseRequestConfig: { adapter } })`.
   * Errors stay AxiosErrors, so the library's own error handling keeps working.
   */
  axiosAdapter(): AxiosAdapter;
  /** Convenience: `{ baseURL, adapter, timeout }` for `axios.create(...)` or an SDK. */
  axiosConfigFor(baseUrl: string): AxiosRequestConfig;
  settingsFor(host: string): HttpSettings;
  stats(host: string): HostStats;
  /** Resolves when no request is queued or running on any host (graceful shutdown). */
  onIdle(): Promise<void>;
}

export function createHttpClientFactory(options: HttpClientFactoryOptions): HttpClientFactory {
  const config: HttpSettingsConfig = { defaults: options.defaults, hosts: options.hosts };
  validateHttpSettings(config);
  const settingsFor = (host: string): HttpSettings => resolveHttpSettings(config, hostKeyOf(host));
  const scheduler = new HostScheduler({
    settingsFor,
    logger: options.logger,
    clock: options.clock ?? systemClock,
    random: options.random ?? Math.random,
    onMetric: options.onMetric,
  });
  const schedule = <T>(
    host: string,
    fn: (attempt: number) => Promise<T>,
    o: ScheduleOptions,
  ): Promise<T> => scheduler.schedule(hostKeyOf(host), fn, o);

  const axiosAdapter = (): AxiosAdapter => {
    // The platform's own adapter (http on Node) does the actual I/O.
    const inner = axios.getAdapter(axios.defaults.adapter);
    return (config) => {
      const url = new URL(axios.getUri(config));
      // An SDK may leave timeout at axios's default 0 (wait forever); a hung socket
      // would hold a concurrency slot for good, so apply the host's timeout.
      if (!config.timeout) config.timeout = settingsFor(url.host).timeoutMs;
      return schedule(url.host, () => inner(config), {
        method: config.method ?? 'get',
        path: url.pathname,
        signal: config.signal instanceof AbortSignal ? config.signal : undefined,
      });
    };
  };

  return {
    client: (baseUrl, clientOptions = {}) =>
      createHttpClient(baseUrl, clientOptions, {
        schedule,
        timeoutMsFor: (hostKey) => settingsFor(hostKey).timeoutMs,
      }),
    schedule,
    axiosAdapter,
    axiosConfigFor: (baseUrl) => ({
      baseURL: baseUrl,
      adapter: axiosAdapter(),
      timeout: settingsFor(baseUrl).timeoutMs,
    }),
    settingsFor,
    stats: (host) => scheduler.stats(hostKeyOf(host)),
    onIdle: () => scheduler.onIdle(),
  };
}
