/** Every message the HTTP side sends or logs starts with this, like the rest of changebridge. */
export const API = '[changebridge/api]';

export function bodyTooLargeMessage(limit: number): string {
  return (
    `${API} request body exceeds the limit of ${limit} bytes (config key server.bodyLimitBytes); ` +
    'raise server.bodyLimitBytes or make the sender send smaller payloads'
  );
}

/**
 * An error summarised for a log line: name, code and a bounded message. Never the request
 * body: storage errors can carry the bound parameters, so we keep only the driver message.
 */
export function describeError(error: unknown): { error: string; code?: string } {
  if (!(error instanceof Error)) return { error: String(error).slice(0, 300) };
  const code = (error as { code?: unknown }).code;
  return {
    error: `${error.name}: ${error.message}`.slice(0, 300),
    ...(typeof code === 'string' ? { code } : {}),
  };
}

/** Fastify's errors carry a code and an HTTP status; anything else is ours or a bug. */
export interface HttpFrameworkError {
  code?: string;
  statusCode?: number;
  message: string;
}

export function frameworkStatus(error: unknown): number | undefined {
  const status = (error as HttpFrameworkError | undefined)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}
