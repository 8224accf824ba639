import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import axios, {
  type AxiosAdapter,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { HttpClientFactory } from '../../../src/runtime/index.js';

/** Prism and ajv helpers for checking Jira traffic against Jira's own OpenAPI document. */

export const SPEC_PATH = '/work/shared/specs/jira-platform-v3.json';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export async function startPrism(
  timeoutMs = 120_000,
): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    'node_modules/.bin/prism',
    ['mock', SPEC_PATH, '-h', '127.0.0.1', '-p', String(port)],
    {
      stdio: 'ignore',
    },
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`${url}/rest/api/3/myself`, {
        headers: { authorization: 'Basic YTpi' },
      });
      await res.arrayBuffer();
      break;
    } catch {
      if (Date.now() > deadline || child.exitCode !== null) {
        child.kill();
        throw new Error(`prism did not start on port ${port} within ${timeoutMs} ms`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export interface Exchange {
  method: string;
  path: string;
  status: number;
  data: unknown;
  /** What prism said about the same request: its status and request-side violations. */
  prism?: { status: number; violations: unknown[] };
}

/**
 * Wraps the factory so every request a client sends is recorded with the response it got
 * and, when `mirrorTo` is given, sent a second time, byte for byte, to prism, whose
 * request-side `sl-violations` are recorded too. The connector's real code paths thus
 * produce the request shapes that are checked against the spec.
 */
export function recordingFactory(
  factory: HttpClientFactory,
  log: Exchange[],
  mirrorTo?: string,
): HttpClientFactory {
  const mirror = async (config: InternalAxiosRequestConfig): Promise<Exchange['prism']> => {
    if (!mirrorTo) return undefined;
    const url = new URL(axios.getUri(config));
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(config.headers.toJSON())) {
      if (typeof v === 'string' && /^(authorization|content-type|accept)$/i.test(k)) headers[k] = v;
    }
    const res = await fetch(`${mirrorTo}${url.pathname}${url.search}`, {
      method: (config.method ?? 'get').toUpperCase(),
      headers,
      ...(config.data !== undefined ? { body: config.data as string } : {}),
    });
    await res.arrayBuffer();
    const raw = res.headers.get('sl-violations');
    const all = raw ? (JSON.parse(raw) as { location: string[] }[]) : [];
    return { status: res.status, violations: all.filter((v) => v.location[0] === 'request') };
  };
  const record = async (config: InternalAxiosRequestConfig, res: AxiosResponse): Promise<void> => {
    const url = new URL(axios.getUri(config));
    const prism = await mirror(config);
    log.push({
      method: (config.method ?? 'get').toUpperCase(),
      path: url.pathname,
      status: res.status,
      // The adapter sees the raw body; axios parses JSON only after it.
      data: parseMaybe(res.data),
      ...(prism ? { prism } : {}),
    });
  };
  return {
    ...factory,
    axiosAdapter: (): AxiosAdapter => {
      const inner = factory.axiosAdapter();
      return async (config) => {
        try {
          const res = await inner(config);
          await record(config, res);
          return res;
        } catch (e) {
          const res = (e as { response?: AxiosResponse }).response;
          if (res) await record(config, res);
          throw e;
        }
      };
    },
  };
}

type Spec = {
  paths: Record<
    string,
    Record<
      string,
      { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> }
    >
  >;
};

export function loadSpec(): Spec {
  return JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as Spec;
}

/** The spec path template a concrete path belongs to, among the ones given. */
export function templateFor(path: string, templates: readonly string[]): string | undefined {
  const matches = templates.filter((t) =>
    new RegExp(`^${t.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path),
  );
  // Prefer the template with the fewest parameters (the most literal one).
  return matches.sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0))[0];
}

export function responseValidator(
  spec: Spec,
): (template: string, method: string, status: number) => ValidateFunction | null {
  const ajv = new Ajv({ strict: false, allErrors: true, discriminator: true });
  // ajv-formats ships CommonJS; under ESM its default export may be wrapped.
  const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
    addFormatsModule) as (a: Ajv) => Ajv;
  addFormats(ajv);
  for (const f of ['int32', 'int64', 'double', 'binary', 'byte', 'url']) ajv.addFormat(f, true);
  // Jira prints `2021-01-18T23:45:00.000+0000` (no colon in the offset) where the spec says
  // date-time; accept exactly that variant besides RFC 3339.
  ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/);
  ajv.addSchema(spec, 'jira');
  const cache = new Map<string, ValidateFunction | null>();
  return (template, method, status) => {
    const key = `${method} ${template} ${status}`;
    if (!cache.has(key)) {
      const op = spec.paths[template]?.[method.toLowerCase()];
      const schema = op?.responses[String(status)]?.content?.['application/json']?.schema;
      const pointer = `jira#/paths/${template.replace(/~/g, '~0').replace(/\//g, '~1')}/${method.toLowerCase()}/responses/${status}/content/application~1json/schema`;
      cache.set(
        key,
        schema && Object.keys(schema).length > 0 ? (ajv.getSchema(pointer) ?? null) : null,
      );
    }
    return cache.get(key) ?? null;
  };
}

function parseMaybe(data: unknown): unknown {
  if (typeof data !== 'string' || data === '') return data;
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return data;
  }
}
