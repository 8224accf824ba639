import type { ServerResponse } from 'node:http';

/** Response helpers of the simulator: ServiceNow's error envelope, JSON, paging links. */

export const ERR_401 = {
  message: 'User Not Authenticated',
  detail: 'Required to provide Auth information',
};

export function envelope(
  message: string,
  detail: string | null,
): { error: { message: string; detail: string | null }; status: 'failure' } {
  return { error: { message, detail }, status: 'failure' };
}

export function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  detail: string | null,
): void {
  sendJson(res, status, envelope(message, detail));
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  fault?: { kind: string },
): void {
  if (fault?.kind === 'reset_after_commit') {
    // The write is committed; the client never hears about it.
    res.socket?.destroy();
    return;
  }
  res.writeHead(status, { 'Content-Type': 'application/json;charset=UTF-8', ...headers });
  res.end(JSON.stringify(body));
}

export function statusMessage(status: number): string {
  if (status === 401) return ERR_401.message;
  if (status === 403) return 'Operation Failed';
  if (status === 404) return 'No Record found';
  if (status === 429) return 'Rate limit exceeded';
  return status >= 500 ? 'Internal Server Error' : 'Request failed';
}

export function linkHeader(
  base: string,
  q: Record<string, string>,
  offset: number,
  limit: number,
  total: number,
): string {
  const at = (o: number): string => {
    const p = new URLSearchParams({
      ...q,
      sysparm_offset: String(o),
      sysparm_limit: String(limit),
    });
    return `<${base}?${p.toString()}>`;
  };
  const last = total === 0 ? 0 : Math.floor((total - 1) / limit) * limit;
  const parts = [`${at(0)};rel="first"`];
  if (offset > 0) parts.push(`${at(Math.max(0, offset - limit))};rel="prev"`);
  if (offset + limit < total) parts.push(`${at(offset + limit)};rel="next"`);
  parts.push(`${at(last)};rel="last"`);
  return parts.join(',');
}
