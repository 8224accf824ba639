import type { ConfigPath } from './paths.js';

/**
 * Which config fields hold secrets. Decided by key name under `connections` rather than by
 * schema metadata because the check runs on the raw YAML, before (and whatever) validation
 * says: a token typed into the wrong place must still be refused as a literal.
 */
const SECRET_KEYS = new Set([
  'password',
  'apiToken',
  'accessToken',
  'clientSecret',
  'refreshToken',
  'token',
  'privateKey',
  'signingToken',
  'statusCheckSecret',
  'secrets',
]);

export const ENV_REFERENCE = /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/;

export function isSecretPath(path: ConfigPath): boolean {
  if (path[0] !== 'connections') return false;
  const last = path[path.length - 1];
  if (typeof last === 'number') return path[path.length - 2] === 'secrets';
  return last !== undefined && SECRET_KEYS.has(last);
}

/** A conventional variable name for the fix hint: `connections.jira.auth.apiToken` → JIRA_API_TOKEN. */
export function suggestEnvName(path: ConfigPath): string {
  if (path[0] === 'database') return 'DB_PASSWORD';
  const last = path[path.length - 1];
  const parts = [String(path[1] ?? 'changebridge')];
  if (path[2] === 'webhook') parts.push('webhook');
  if (typeof last === 'number') {
    parts.push(last === 0 ? 'secret' : `secret_${last + 1}`);
  } else if (last !== undefined) {
    parts.push(last.replace(/([a-z0-9])([A-Z])/g, '$1_$2'));
  }
  return parts.join('_').toUpperCase();
}

export const LITERAL_SECRET_PROBLEM =
  'secrets must be given as ${ENV_NAME} references, not literal values';

export function literalSecretFix(path: ConfigPath): string {
  return `set it in the environment and write "\${${suggestEnvName(path)}}"`;
}
