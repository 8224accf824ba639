import { EventEmitter } from 'node:events';
import { secretRegistry, type SecretRegistry } from './secret-registry.js';

/**
 * Central redaction: every log line and every user-facing error text goes through here.
 * Two nets, because each misses what the other catches:
 *  - by key: a value under `authorization`, `token`, `password`, … is dropped whatever it is;
 *  - by value: registered secrets, `Basic …`/`Bearer …` credentials, URL passwords and
 *    secret query parameters are cut out of any string, wherever they hide.
 * The input is never mutated; the output is a JSON-safe copy.
 */

export const REDACTED = '[REDACTED]';

export interface RedactOptions {
  registry?: SecretRegistry;
  /** Deeper structures become "[Truncated]"; logs are not the place for whole object graphs. */
  maxDepth?: number;
}

// Substrings of the normalised key (lower case, separators removed) that mark a secret.
const SECRET_KEY_PARTS = [
  'authorization',
  'cookie',
  'password',
  'passwd',
  'secret',
  'token',
  'apikey',
  'privatekey',
  'credential',
];
// Keys that contain a marker but hold no secret. Jira pages with `nextPageToken`, and
// redacting the cursor would make paging bugs impossible to debug from logs.
const NOT_SECRET_KEYS = new Set(['nextpagetoken', 'pagetoken', 'tokentype']);
// Query parameters that carry secrets without a telling name (signed URLs, `?key=`).
const SECRET_QUERY_PARAMS = new Set(['sig', 'signature', 'key', 'code']);

function normaliseKey(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** True when a field named `key` must never be logged (case-insensitive, any separator). */
export function isSecretKey(key: string): boolean {
  const k = normaliseKey(key);
  if (NOT_SECRET_KEYS.has(k)) return false;
  return SECRET_KEY_PARTS.some((part) => k.includes(part));
}

const AUTH_SCHEME = /\b(Basic|Bearer)(\s+)([A-Za-z0-9._~+/=-]{4,})/gi;
// "Basic authentication failed" is prose, not a credential: all-lowercase words are kept.
const PROSE_WORD = /^[a-z]+$/;
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^:/?#@\s]*):([^@/?#\s]+)@/gi;
const QUERY_PARAM = /([?&;])([^=&#\s;]+)=([^&#\s;"']*)/g;
// Vendor token formats worth catching even when unregistered (GitHub, GitLab, Atlassian).
const VENDOR_TOKENS =
  /\b(gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|glpat-[A-Za-z0-9_-]{20,}|ATATT[A-Za-z0-9_=-]{20,})/g;

/** Redact secrets inside one string: registered values, auth schemes, URL credentials. */
export function redactString(text: string, registry: SecretRegistry = secretRegistry): string {
  let out = registry.scrub(text, REDACTED);
  out = out.replace(AUTH_SCHEME, (whole, scheme: string, space: string, credential: string) =>
    PROSE_WORD.test(credential) ? whole : `${scheme}${space}${REDACTED}`,
  );
  out = out.replace(URL_USERINFO, `$1$2:${REDACTED}@`);
  out = out.replace(QUERY_PARAM, (whole, sep: string, name: string) => {
    const decoded = safeDecode(name);
    const secret = isSecretKey(decoded) || SECRET_QUERY_PARAMS.has(decoded.toLowerCase());
    return secret ? `${sep}${name}=${REDACTED}` : whole;
  });
  return out.replace(VENDOR_TOKENS, REDACTED);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Deep, non-mutating, cycle-safe redacted copy of `value`, safe to JSON.stringify. */
export function redact(value: unknown, options: RedactOptions = {}): unknown {
  const ctx: WalkContext = {
    registry: options.registry ?? secretRegistry,
    maxDepth: options.maxDepth ?? 10,
    ancestors: new WeakSet(),
  };
  return walk(value, 0, ctx);
}

interface WalkContext {
  registry: SecretRegistry;
  maxDepth: number;
  /** Objects on the current path: a repeat is a cycle, a shared sibling is not. */
  ancestors: WeakSet<object>;
}

function walk(value: unknown, depth: number, ctx: WalkContext): unknown {
  switch (typeof value) {
    case 'string':
      return redactString(value, ctx.registry);
    case 'number':
    case 'boolean':
    case 'undefined':
      return value;
    case 'bigint':
      return value.toString();
    case 'symbol':
      return value.toString();
    case 'function':
      return `[Function ${value.name || 'anonymous'}]`;
  }
  if (value === null) return null;
  const obj = value as object;
  if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? 'Invalid Date' : obj.toISOString();
  // Raw bytes may be a key file or a request body: report the size only.
  if (Buffer.isBuffer(obj) || obj instanceof Uint8Array) return `[Buffer ${obj.byteLength} bytes]`;
  if (obj instanceof ArrayBuffer) return `[ArrayBuffer ${obj.byteLength} bytes]`;
  // Sockets, requests, streams: huge, cyclic and never useful in a log line.
  if (obj instanceof EventEmitter) return `[${obj.constructor.name}]`;
  if (depth >= ctx.maxDepth) return '[Truncated]';
  if (ctx.ancestors.has(obj)) return '[Circular]';
  ctx.ancestors.add(obj);
  try {
    return walkObject(obj, depth, ctx);
  } finally {
    ctx.ancestors.delete(obj);
  }
}

function walkObject(obj: object, depth: number, ctx: WalkContext): unknown {
  const next = (v: unknown): unknown => walk(v, depth + 1, ctx);
  if (Array.isArray(obj)) return obj.map(next);
  if (obj instanceof Map) {
    return walkEntries(
      [...obj.entries()].map(([k, v]) => [String(k), v]),
      next,
    );
  }
  if (obj instanceof Set) return [...obj].map(next);
  if (obj instanceof Error) return walkError(obj, next);
  const toJSON = (obj as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') {
    // URL, AxiosHeaders and friends know their own JSON shape; redact that shape.
    return next(toJSON.call(obj));
  }
  return walkEntries(Object.entries(obj), next);
}

function walkEntries(
  entries: Array<[string, unknown]>,
  next: (v: unknown) => unknown,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of entries) {
    out[key] = isSecretKey(key) && v !== undefined && v !== null ? REDACTED : next(v);
  }
  return out;
}

interface AxiosLikeError extends Error {
  isAxiosError: true;
  code?: string;
  config?: { method?: string; url?: string; baseURL?: string; headers?: unknown };
  response?: { status?: number; statusText?: string; headers?: unknown };
}

function isAxiosLike(e: Error): e is AxiosLikeError {
  return (e as { isAxiosError?: unknown }).isAxiosError === true;
}

function walkError(err: Error, next: (v: unknown) => unknown): Record<string, unknown> {
  if (isAxiosLike(err)) {
    // An AxiosError drags the whole request/response graph along; keep what helps.
    // The response body is left out on purpose: logs never carry vendor payloads.
    return {
      name: next(err.name),
      message: next(err.message),
      code: next(err.code),
      stack: next(err.stack),
      config: err.config
        ? next({
            method: err.config.method,
            baseURL: err.config.baseURL,
            url: err.config.url,
            headers: err.config.headers,
          })
        : undefined,
      response: err.response
        ? next({
            status: err.response.status,
            statusText: err.response.statusText,
            headers: err.response.headers,
          })
        : undefined,
    };
  }
  const out = walkEntries(Object.entries(err), next);
  out.name = next(err.name);
  out.message = next(err.message);
  out.stack = next(err.stack);
  if (err.cause !== undefined) out.cause = next(err.cause);
  return out;
}
