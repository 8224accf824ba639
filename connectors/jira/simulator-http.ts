import type { IncomingMessage, ServerResponse } from 'node:http';

/** Plumbing shared by the simulator's routes: bodies, JSON answers, Jira error envelopes. */

export class SimHttpError extends Error {
  constructor(
    readonly status: number,
    readonly errorMessages: string[],
    readonly errors: Record<string, string> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(errorMessages[0] ?? Object.values(errors)[0] ?? `HTTP ${status}`);
  }
}

export const notFoundIssue = (): SimHttpError =>
  new SimHttpError(404, ['Issue does not exist or you do not have permission to see it.']);

export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: unknown;
  params: Record<string, string>;
}

export interface SimResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export const MAX_BODY_BYTES = 10 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new SimHttpError(413, ['Request entity too large']);
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

export function parseJsonBody(req: IncomingMessage, raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  const type = req.headers['content-type'] ?? '';
  if (!type.toLowerCase().includes('application/json')) {
    throw new SimHttpError(415, [`Unsupported media type '${type}': send application/json`]);
  }
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    throw new SimHttpError(400, [
      'Unexpected character in the request body: it is not valid JSON.',
    ]);
  }
}

export function send(res: ServerResponse, out: SimResponse): void {
  const headers: Record<string, string> = { ...(out.headers ?? {}) };
  if (out.body === undefined) {
    res.writeHead(out.status, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(out.body);
  headers['content-type'] = 'application/json;charset=UTF-8';
  res.writeHead(out.status, headers);
  res.end(text);
}

export function sendError(res: ServerResponse, e: SimHttpError): void {
  send(res, {
    status: e.status,
    headers: e.headers,
    body: { errorMessages: e.errorMessages, errors: e.errors },
  });
}

export type Handler = (req: SimRequest) => SimResponse | Promise<SimResponse>;

export interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: Handler;
}

/** `/rest/api/3/issue/:key/comment` → a route with named segments. */
export function route(method: string, path: string, handler: Handler): Route {
  const names: string[] = [];
  const source = path.replace(/:([a-zA-Z]+)/g, (_, n: string) => {
    names.push(n);
    return '([^/]+)';
  });
  return { method, pattern: new RegExp(`^${source}/?$`), names, handler };
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
