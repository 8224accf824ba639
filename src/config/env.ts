import { replaceUrlPassword, urlPasswordText } from './database-url.js';
import { pathIssue, type PathIssue } from './errors.js';
import type { ConfigPath } from './paths.js';
import {
  ENV_REFERENCE,
  isSecretPath,
  literalSecretFix,
  LITERAL_SECRET_PROBLEM,
} from './secrets.js';

export type Env = Readonly<Record<string, string | undefined>>;

export interface EnvResolution {
  /** The raw tree with every `${NAME}` replaced by its value. */
  value: unknown;
  /** Every resolved secret value, for the logger's redaction list. */
  secrets: string[];
  issues: PathIssue[];
  /** Strings left as written because a variable was missing (allowMissingEnv). */
  unresolved: ConfigPath[];
}

const REFERENCE = /\$\{([^}]*)\}/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DATABASE_URL: ConfigPath = ['database', 'url'];

/**
 * Replaces `${NAME}` in every string value, and enforces that secret fields are nothing
 * but a reference. Runs before validation so types and URLs are checked on real values;
 * the raw tree is kept by the caller for display.
 */
export function resolveEnv(
  raw: unknown,
  env: Env,
  options: { allowMissingEnv?: boolean } = {},
): EnvResolution {
  const out: EnvResolution = { value: undefined, secrets: [], issues: [], unresolved: [] };
  const missingSeverity = options.allowMissingEnv ? 'warning' : 'error';

  const resolveString = (text: string, path: ConfigPath): string => {
    let missing = false;
    const resolved = text.replace(REFERENCE, (whole, name: string) => {
      if (!NAME.test(name)) {
        out.issues.push(
          pathIssue(path, `"${whole}" is not a valid environment reference`, {
            expected: '${NAME} with letters, digits and "_", not starting with a digit',
          }),
        );
        return whole;
      }
      const value = env[name];
      if (value === undefined || value === '') {
        missing = true;
        const state = value === undefined ? 'is not set' : 'is empty';
        out.issues.push(
          pathIssue(path, `environment variable ${name} ${state}`, {
            severity: missingSeverity,
            fix: `set ${name} in the environment changebridge runs in`,
          }),
        );
        return whole;
      }
      return value;
    });
    if (missing) {
      out.unresolved.push(path);
      return text;
    }
    return resolved;
  };

  const walk = (node: unknown, path: ConfigPath): unknown => {
    if (Array.isArray(node)) return node.map((item, i) => walk(item, [...path, i]));
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(
        Object.entries(node).map(([key, value]) => [key, walk(value, [...path, key])]),
      );
    }
    const secret = isSecretPath(path);
    if (secret && node !== null && node !== undefined) {
      // The secret itself is never echoed: not in this message, not anywhere.
      if (typeof node !== 'string' || !ENV_REFERENCE.test(node)) {
        out.issues.push(pathIssue(path, LITERAL_SECRET_PROBLEM, { fix: literalSecretFix(path) }));
        return node;
      }
    }
    if (typeof node !== 'string') return node;
    if (path.length === 2 && path[0] === DATABASE_URL[0] && path[1] === DATABASE_URL[1]) {
      return resolveDatabaseUrl(node, path);
    }
    const resolved = resolveString(node, path);
    if (secret && resolved !== node) out.secrets.push(resolved);
    return resolved;
  };

  // The URL's password part is the secret: it must be a reference, and its value is collected.
  const resolveDatabaseUrl = (text: string, path: ConfigPath): string => {
    const password = urlPasswordText(text);
    if (password !== undefined && !ENV_REFERENCE.test(password)) {
      out.issues.push(pathIssue(path, LITERAL_SECRET_PROBLEM, { fix: literalSecretFix(path) }));
      return replaceUrlPassword(text, '****');
    }
    const resolved = resolveString(text, path);
    const resolvedPassword = urlPasswordText(resolved);
    if (resolvedPassword !== undefined && resolved !== text) {
      out.secrets.push(resolvedPassword);
      const decoded = safeDecode(resolvedPassword);
      if (decoded !== resolvedPassword) out.secrets.push(decoded);
    }
    return resolved;
  };

  out.value = walk(raw, []);
  out.secrets = [...new Set(out.secrets)].filter((s) => s !== '');
  return out;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
