import axios, { isAxiosError, type AxiosInstance } from 'axios';
import { HttpError, UserError } from './errors.js';
import { lowerCaseHeaders } from './failure-info.js';
import type { ScheduleOptions } from './host-scheduler.js';
import { hostKeyOf } from './http-settings.js';
import { summariseVendorErrorBody } from './vendor-error-body.js';

/**
 * A small HTTP client bound to one base URL. Every attempt goes through the shared
 * per-host queue and retry layer; a non-2xx answer becomes an HttpError whose message
 * carries the vendor's own explanation. `data` is typed by the caller but not checked:
 * connectors parse it with zod at the trust boundary.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';
export type QueryValue = string | number | boolean | undefined;

export interface HttpRequest {
  method: HttpMethod;
  /** Relative to the client's base URL, or absolute. */
  url: string;
  params?: Record<string, QueryValue>;
  data?: unknown;
  headers?: Record<string, string>;
  /** Declare a POST/PATCH safe to repeat (it carries an idempotency key). */
  idempotent?: boolean;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export type RequestOptions = Omit<HttpRequest, 'method' | 'url' | 'data'>;

export interface HttpResponse<T = unknown> {
  status: number;
  /** Names lower-cased. */
  headers: Record<string, string>;
  data: T;
}

/**
 * Called before every attempt (so a refreshed OAuth token is picked up on retry);
 * returns headers to add, typically `{ Authorization: … }`.
 */
export type AuthHook = (request: {
  method: string;
  url: string;
}) => Record<string, string> | Promise<Record<string, string>>;

export interface HttpClientOptions {
  headers?: Record<string, string>;
  auth?: AuthHook;
}

export interface HttpClient {
  readonly baseUrl: string;
  request<T = unknown>(request: HttpRequest): Promise<HttpResponse<T>>;
  get<T = unknown>(url: string, options?: RequestOptions): Promise<HttpResponse<T>>;
  post<T = unknown>(
    url: string,
    data?: unknown,
    options?: RequestOptions,
  ): Promise<HttpResponse<T>>;
  put<T = unknown>(url: string, data?: unknown, options?: RequestOptions): Promise<HttpResponse<T>>;
  patch<T = unknown>(
    url: string,
    data?: unknown,
    options?: RequestOptions,
  ): Promise<HttpResponse<T>>;
  delete<T = unknown>(url: string, options?: RequestOptions): Promise<HttpResponse<T>>;
}

export type ScheduleFn = <T>(
  hostKey: string,
  fn: (attempt: number) => Promise<T>,
  options: ScheduleOptions,
) => Promise<T>;

export interface ClientDeps {
  schedule: ScheduleFn;
  timeoutMsFor(hostKey: string): number;
}

export function createHttpClient(
  baseUrl: string,
  options: HttpClientOptions,
  deps: ClientDeps,
): HttpClient {
  assertBaseUrl(baseUrl);
  const instance: AxiosInstance = axios.create({
    baseURL: baseUrl,
    headers: options.headers,
    // Every status comes back as a response; we decide what is an error (below).
    validateStatus: () => true,
  });

  const request = async <T>(req: HttpRequest): Promise<HttpResponse<T>> => {
    const fullUrl = instance.getUri({ url: req.url, params: req.params });
    const hostKey = hostKeyOf(fullUrl);
    const path = new URL(fullUrl).pathname;
    const timeout = req.timeoutMs ?? deps.timeoutMsFor(hostKey);
    const attempt = async (): Promise<HttpResponse<T>> => {
      const authHeaders = options.auth
        ? await options.auth({ method: req.method, url: fullUrl })
        : {};
      let res;
      try {
        res = await instance.request({
          method: req.method,
          url: req.url,
          params: req.params,
          data: req.data,
          headers: { ...authHeaders, ...req.headers },
          timeout,
          signal: req.signal,
        });
      } catch (error) {
        throw toHttpError(error, req.method, fullUrl);
      }
      const headers = lowerCaseHeaders(res.headers);
      if (res.status >= 400) {
        throw new HttpError({
          method: req.method,
          url: fullUrl,
          status: res.status,
          statusText: res.statusText,
          vendorMessage: summariseVendorErrorBody(res.data),
          responseHeaders: headers,
          body: res.data,
        });
      }
      return { status: res.status, headers, data: res.data as T };
    };
    return deps.schedule(hostKey, attempt, {
      method: req.method,
      path,
      idempotent: req.idempotent,
      signal: req.signal,
    });
  };

  return {
    baseUrl,
    request,
    get: (url, o) => request({ ...o, method: 'GET', url }),
    post: (url, data, o) => request({ ...o, method: 'POST', url, data }),
    put: (url, data, o) => request({ ...o, method: 'PUT', url, data }),
    patch: (url, data, o) => request({ ...o, method: 'PATCH', url, data }),
    delete: (url, o) => request({ ...o, method: 'DELETE', url }),
  };
}

function assertBaseUrl(baseUrl: string): void {
  let ok = false;
  try {
    const u = new URL(baseUrl);
    ok = u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    ok = false;
  }
  if (!ok) {
    throw new UserError('http', `base URL "${baseUrl}" is not an absolute http(s) URL`, {
      hint: 'include the scheme and host, e.g. https://dev12345.service-now.com',
    });
  }
}

/** No response arrived (or axios itself failed): keep the network code for the classifier. */
function toHttpError(error: unknown, method: string, url: string): unknown {
  if (!isAxiosError(error)) return error;
  const res = error.response;
  return new HttpError({
    method,
    url,
    status: res?.status,
    statusText: res?.statusText,
    code: res ? undefined : (error.code ?? 'ERR_NETWORK'),
    vendorMessage: res ? summariseVendorErrorBody(res.data) : error.message,
    responseHeaders: lowerCaseHeaders(res?.headers),
    body: res?.data,
    // No `cause`: the axios error holds the request config with its Authorization
    // header, and a console.log(err) somewhere would print it.
  });
}
