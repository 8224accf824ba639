import { redactString } from './redact.js';

/**
 * Errors that name the thing, the place and the fix, prefixed by the component
 * (`[changebridge/http] …`) so an operator knows which layer is talking.
 */

export interface ChangebridgeErrorOptions {
  /** One sentence saying how to fix it; the CLI prints it under the message. */
  hint?: string;
  /** Process exit code when this error ends a CLI command. */
  exitCode?: number;
  cause?: unknown;
}

export class ChangebridgeError extends Error {
  override name = 'ChangebridgeError';
  readonly component: string;
  readonly hint: string | undefined;
  readonly exitCode: number;

  constructor(component: string, message: string, options: ChangebridgeErrorOptions = {}) {
    super(`[changebridge/${component}] ${message}`, { cause: options.cause });
    this.component = component;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 1;
  }
}

/**
 * Bad input or configuration: the user can fix it, so the CLI prints the message and
 * hint only — a stack trace would bury the one line that matters (unless --verbose).
 */
export class UserError extends ChangebridgeError {
  override name = 'UserError';
  constructor(component: string, message: string, options: ChangebridgeErrorOptions = {}) {
    super(component, message, { exitCode: 2, ...options });
  }
}

/**
 * Thrown from inside a scheduled call to ask the retry layer for another attempt when
 * the failure is not an HTTP status (e.g. a 200 batch response listing unserviced
 * requests). `waitMs` is treated like a server-sent wait and capped by maxWaitMs.
 */
export class RetryableError extends ChangebridgeError {
  override name = 'RetryableError';
  readonly waitMs: number | undefined;
  constructor(
    component: string,
    message: string,
    options: ChangebridgeErrorOptions & { waitMs?: number } = {},
  ) {
    super(component, message, options);
    this.waitMs = options.waitMs;
  }
}

export interface HttpErrorDetails {
  method: string;
  /** Full request URL; credentials and secret query parameters are stripped here. */
  url: string;
  status?: number;
  statusText?: string;
  /** Network error code (ECONNRESET, ETIMEDOUT, …) when no response arrived. */
  code?: string;
  /** One-line summary of the vendor's error body (see vendor-error-body.ts). */
  vendorMessage?: string;
  responseHeaders?: Record<string, string>;
  body?: unknown;
  /** Attempts made, and why the retry layer stopped, once it has given up. */
  attempts?: number;
  retryReason?: string;
  cause?: unknown;
}

export class HttpError extends ChangebridgeError {
  override name = 'HttpError';
  readonly method: string;
  readonly url: string;
  readonly host: string;
  /** Path without the query string: safe to log and to group metrics by. */
  readonly path: string;
  readonly status: number | undefined;
  readonly statusText: string | undefined;
  readonly code: string | undefined;
  readonly vendorMessage: string | undefined;
  readonly attempts: number;
  readonly retryReason: string | undefined;
  // Declared here, defined non-enumerable in the constructor: code can read them, but a
  // logged error never dumps response headers (cookies) or a vendor payload.
  declare readonly responseHeaders: Record<string, string>;
  declare readonly body: unknown;

  constructor(details: HttpErrorDetails) {
    const method = details.method.toUpperCase();
    const url = redactString(details.url);
    const { host, path } = splitUrl(url);
    super('http', describe(method, url, details), {
      hint: hintFor(host, details),
      cause: details.cause,
    });
    this.method = method;
    this.url = url;
    this.host = host;
    this.path = path;
    this.status = details.status;
    this.statusText = details.statusText;
    this.code = details.code;
    this.vendorMessage = details.vendorMessage;
    this.attempts = details.attempts ?? 1;
    this.retryReason = details.retryReason;
    Object.defineProperty(this, 'responseHeaders', { value: details.responseHeaders ?? {} });
    Object.defineProperty(this, 'body', { value: details.body });
    Object.defineProperty(this, 'details', { value: details });
  }

  declare private readonly details: HttpErrorDetails;

  /** The same failure, told with how many attempts were made and why retrying stopped. */
  withRetryOutcome(attempts: number, retryReason: string): HttpError {
    return new HttpError({ ...this.details, attempts, retryReason, cause: this.cause });
  }
}

/** The record is not there for us: 404 (deleted, or hidden from this token) or 410 (gone). */
export function isGoneError(error: unknown): boolean {
  return error instanceof HttpError && (error.status === 404 || error.status === 410);
}

function describe(method: string, url: string, d: HttpErrorDetails): string {
  let text =
    d.status !== undefined
      ? `${method} ${url} returned ${d.status}${d.statusText ? ` ${d.statusText}` : ''}`
      : `${method} ${url} failed: ${d.code ?? 'network error'}`;
  if (d.vendorMessage) text += `: ${d.vendorMessage}`;
  if (d.retryReason) {
    const attempts = d.attempts ?? 1;
    text +=
      attempts === 1
        ? ` (not retried: ${d.retryReason})`
        : ` (gave up after ${attempts} attempts: ${d.retryReason})`;
  }
  return text;
}

function splitUrl(url: string): { host: string; path: string } {
  try {
    const u = new URL(url);
    return { host: u.host, path: u.pathname };
  } catch {
    return { host: 'unknown-host', path: url.split('?')[0] ?? url };
  }
}

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|TLS|SSL/;

function hintFor(host: string, d: HttpErrorDetails): string | undefined {
  const hostCfg = `http.hosts["${host.split(':')[0]}"]`;
  switch (d.status) {
    case undefined:
      break;
    case 400:
    case 422:
      return `${host} rejected the request as invalid: check the fields named above against the vendor API; a mapping or config value is the usual cause.`;
    case 401:
      return `${host} refused the credentials: check the environment variable the config references for this connection, and that the token has not expired.`;
    case 403:
      return `the integration account lacks permission for this call on ${host}: grant the role or scope the vendor documents for it.`;
    case 404:
      return `nothing at this path on ${host}: check the base URL and the record id (ServiceNow also answers 404 when an ACL hides the record).`;
    case 409:
      return `the record changed on ${host} while we wrote it: the next sync re-reads it.`;
    case 429:
      return `${host} is rate limiting us: lower ${hostCfg}.concurrency or intervalCap, or raise maxWaitMs to wait longer.`;
    default:
      if (d.status >= 500) return `${host} is failing on its side; later runs retry automatically.`;
      return undefined;
  }
  const code = d.code ?? '';
  if (code === 'ECONNREFUSED')
    return `nothing listens at ${host}: check the base URL and that the service is up.`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return `the host name ${host} does not resolve: check the base URL and DNS.`;
  if (code === 'ETIMEDOUT' || code === 'ECONNABORTED')
    return `${host} did not answer in time: raise ${hostCfg}.timeoutMs or check the network path.`;
  if (TLS_CODES.test(code))
    return `TLS verification of ${host} failed: point NODE_EXTRA_CA_CERTS at your CA bundle.`;
  return undefined;
}

/**
 * Text the CLI prints for an error. UserErrors and other ChangebridgeErrors show message
 * and hint; anything else is a bug, so its stack is shown. Always redacted.
 */
export function formatErrorForCli(error: unknown, options: { verbose?: boolean } = {}): string {
  const verbose = options.verbose ?? false;
  if (error instanceof ChangebridgeError) {
    const lines = [error.message];
    if (error.hint) lines.push(`  hint: ${error.hint}`);
    if (verbose && error.stack) lines.push(error.stack);
    return redactString(lines.join('\n'));
  }
  if (error instanceof Error) return redactString(error.stack ?? `${error.name}: ${error.message}`);
  return redactString(`[changebridge] unexpected failure: ${String(error)}`);
}
