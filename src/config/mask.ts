import { stringify } from 'yaml';
import { replaceUrlPassword, urlPasswordText } from './database-url.js';
import type { LoadedConfig } from './loader.js';
import { samePath, valueAt, type ConfigPath } from './paths.js';
import type { Config } from './schema.js';
import { ENV_REFERENCE, isSecretPath } from './secrets.js';

export const MASK = '****';

/** What stands in for a secret: the `${NAME}` it was read from, or `****`. */
function standIn(raw: unknown): string {
  return typeof raw === 'string' && ENV_REFERENCE.test(raw) ? raw : MASK;
}

/**
 * The effective config with every secret replaced by its `${NAME}` reference (or `****`)
 * and the database URL's password masked. Safe to print, log or attach to a bug report.
 */
export function maskConfig(config: Config, rawConfig: unknown): Config {
  const walk = (node: unknown, path: ConfigPath): unknown => {
    if (Array.isArray(node)) return node.map((item, i) => walk(item, [...path, i]));
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(
        Object.entries(node).map(([key, value]) => [key, walk(value, [...path, key])]),
      );
    }
    if (typeof node !== 'string') return node;
    if (isSecretPath(path)) return standIn(valueAt(rawConfig, path));
    if (samePath(path, ['database', 'url'])) {
      const raw = valueAt(rawConfig, path);
      const reference = typeof raw === 'string' ? urlPasswordText(raw) : undefined;
      return urlPasswordText(node) === undefined
        ? node
        : replaceUrlPassword(node, standIn(reference));
    }
    return node;
  };
  // Same shape as the input: only string leaves are replaced, by strings.
  return walk(config, []) as Config;
}

/**
 * YAML for `changebridge config check`. Besides masking by position, every resolved
 * secret value is blanked wherever else it might appear (a secret variable reused in a
 * non-secret field), so nothing resolved from a secret can reach the terminal.
 */
export function describeEffectiveConfig(
  loaded: Pick<LoadedConfig, 'config' | 'raw' | 'secrets' | 'source'>,
): string {
  let yaml = stringify(maskConfig(loaded.config, loaded.raw), { lineWidth: 0 });
  for (const secret of [...loaded.secrets].sort((a, b) => b.length - a.length)) {
    yaml = yaml.split(secret).join(MASK);
  }
  return `# effective configuration from ${loaded.source} (secrets masked)\n${yaml}`;
}
