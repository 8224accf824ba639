import { UserError } from './errors.js';

/**
 * Per-host HTTP behaviour. The config's `http.defaults` and `http.hosts["<host>"]`
 * carry exactly these keys (all optional there); unset keys fall back host → defaults →
 * DEFAULT_HTTP_SETTINGS.
 */
export interface HttpSettings {
  /** Requests in flight at once to this host. */
  concurrency: number;
  /** Request starts allowed per `intervalMs` (sliding window). 0 = no interval cap. */
  intervalCap: number;
  intervalMs: number;
  /** Per attempt, from sending the request to the end of the response. */
  timeoutMs: number;
  maxRetries: number;
  baseBackoffMs: number;
  maxBackoffMs: number;
  /** Longest server-requested wait (Retry-After / reset) sat out before giving up. */
  maxWaitMs: number;
  jitter: 'full' | 'equal' | 'none';
}

export const DEFAULT_HTTP_SETTINGS: Readonly<HttpSettings> = Object.freeze({
  concurrency: 4,
  intervalCap: 50,
  intervalMs: 1000,
  timeoutMs: 30_000,
  maxRetries: 5,
  baseBackoffMs: 500,
  maxBackoffMs: 60_000,
  maxWaitMs: 300_000,
  jitter: 'full',
});

export interface HttpSettingsConfig {
  defaults?: Partial<HttpSettings>;
  /** Keyed by host name (`api.github.com`) or host:port (`127.0.0.1:8080`). */
  hosts?: Record<string, Partial<HttpSettings>>;
}

type NumericKey = Exclude<keyof HttpSettings, 'jitter'>;
const MINIMUMS: Record<NumericKey, number> = {
  concurrency: 1,
  intervalCap: 0,
  intervalMs: 0,
  timeoutMs: 1,
  maxRetries: 0,
  baseBackoffMs: 0,
  maxBackoffMs: 0,
  maxWaitMs: 0,
};
const JITTERS = ['full', 'equal', 'none'];

/** Check every block up front so a typo fails at startup, naming the config path. */
export function validateHttpSettings(config: HttpSettingsConfig): void {
  checkBlock('http.defaults', config.defaults ?? {});
  for (const [host, block] of Object.entries(config.hosts ?? {})) {
    checkBlock(`http.hosts["${host}"]`, block);
  }
}

function checkBlock(path: string, block: Partial<HttpSettings>): void {
  for (const [key, value] of Object.entries(block)) {
    if (value === undefined) continue;
    if (key === 'jitter') {
      if (!JITTERS.includes(String(value))) {
        throw new UserError('http', `${path}.jitter is "${String(value)}"`, {
          hint: `use one of ${JITTERS.join(', ')}.`,
        });
      }
      continue;
    }
    if (!(key in MINIMUMS)) {
      throw new UserError('http', `${path}.${key} is not a known HTTP setting`, {
        hint: `known settings: ${[...Object.keys(MINIMUMS), 'jitter'].join(', ')}.`,
      });
    }
    const min = MINIMUMS[key as NumericKey];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
      throw new UserError('http', `${path}.${key} is ${JSON.stringify(value)}`, {
        hint: `set it to a whole number ≥ ${min}.`,
      });
    }
  }
}

/**
 * Settings for one host. `hostKey` is `host[:port]` as in a URL; an entry for the exact
 * host:port wins over one for the bare host name.
 */
export function resolveHttpSettings(config: HttpSettingsConfig, hostKey: string): HttpSettings {
  const hosts = config.hosts ?? {};
  const bare = hostKey.replace(/:\d+$/, '');
  const specific = hosts[hostKey] ?? hosts[bare] ?? {};
  return { ...DEFAULT_HTTP_SETTINGS, ...defined(config.defaults), ...defined(specific) };
}

function defined(block: Partial<HttpSettings> | undefined): Partial<HttpSettings> {
  return Object.fromEntries(Object.entries(block ?? {}).filter(([, v]) => v !== undefined));
}

/** `host[:port]` of a URL or bare host string, lower-cased: the key of a host's queue. */
export function hostKeyOf(urlOrHost: string): string {
  // Only parse strings with a scheme: `localhost:8080` would parse as scheme "localhost:".
  if (urlOrHost.includes('://')) {
    try {
      return new URL(urlOrHost).host.toLowerCase();
    } catch {
      // not a URL after all: treat as a host below
    }
  }
  return urlOrHost.trim().toLowerCase();
}
