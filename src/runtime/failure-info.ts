import { isAxiosError } from 'axios';
import { HttpError, RetryableError } from './errors.js';
import { summariseVendorErrorBody } from './vendor-error-body.js';

/**
 * The retry classifier's input: what failed, reduced to the facts that decide a retry.
 * Built from our HttpError, a raw axios error (third-party clients such as jira.js), an
 * error that wraps one in `cause`, or a Node system error.
 */
export interface FailureInfo {
  /** Upper-case HTTP method; decides whether repeating the call is safe. */
  method: string;
  status?: number;
  /** Response headers, names lower-cased. Empty when no response arrived. */
  headers: Record<string, string>;
  /** Network error code when no response arrived: ECONNRESET, ETIMEDOUT, ECONNREFUSED, … */
  code?: string;
  /** Vendor's error message, used to spot GitHub's "secondary rate limit" bodies. */
  message?: string;
  /** Caller's override of the method's idempotency (e.g. a POST with an idempotency key). */
  idempotent?: boolean;
  /** Set when the caller threw RetryableError: retry, waiting this long if given. */
  requestedRetry?: { waitMs?: number };
}

export interface FailureDefaults {
  method: string;
  idempotent?: boolean;
}

export function toFailureInfo(error: unknown, defaults: FailureDefaults): FailureInfo {
  const base = { method: defaults.method.toUpperCase(), idempotent: defaults.idempotent };
  if (error instanceof RetryableError) {
    return { ...base, headers: {}, requestedRetry: { waitMs: error.waitMs } };
  }
  if (error instanceof HttpError) {
    return {
      ...base,
      method: error.method,
      status: error.status,
      headers: lowerCaseHeaders(error.responseHeaders),
      code: error.code,
      message: error.vendorMessage,
    };
  }
  // jira.js and similar wrap the axios error in `cause`; the wrapper alone lacks headers.
  const axiosError = findAxiosError(error);
  if (axiosError) {
    const res = axiosError.response;
    return {
      ...base,
      method: (axiosError.config?.method ?? base.method).toUpperCase(),
      status: res?.status,
      headers: lowerCaseHeaders(res?.headers),
      code: res ? undefined : axiosError.code,
      message: res ? summariseVendorErrorBody(res.data) : undefined,
    };
  }
  const e = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  const status = typeof e.status === 'number' ? e.status : undefined;
  return {
    ...base,
    status,
    headers: {},
    code: typeof e.code === 'string' ? e.code : undefined,
    message: typeof e.message === 'string' ? e.message : undefined,
  };
}

function findAxiosError(error: unknown): ReturnType<typeof asAxios> {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    const found = asAxios(current);
    if (found) return found;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function asAxios(e: unknown) {
  return isAxiosError(e) ? e : undefined;
}

/** Flatten any header bag (plain object, AxiosHeaders, Headers) to lower-case string values. */
export function lowerCaseHeaders(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers || typeof headers !== 'object') return out;
  const source =
    typeof (headers as { toJSON?: unknown }).toJSON === 'function'
      ? ((headers as { toJSON: () => unknown }).toJSON() as object)
      : headers;
  const entries =
    source instanceof Map || (typeof Headers !== 'undefined' && source instanceof Headers)
      ? [...(source as Map<string, unknown>).entries()]
      : Object.entries(source);
  for (const [k, v] of entries) {
    if (v === undefined || v === null) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.map(String).join(', ') : String(v);
  }
  return out;
}
