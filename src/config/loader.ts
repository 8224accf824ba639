import * as nodeFs from 'node:fs';
import * as nodePath from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { resolveEnv, type Env } from './env.js';
import { ConfigError, type ConfigIssue, type PathIssue } from './errors.js';
import { locate } from '../util/yaml-locate.js';
import { dotted } from './paths.js';
import { configSchema, type Config } from './schema.js';
import { validate } from './validate.js';

export const EMBEDDED_DEFAULTS = '<embedded defaults>';
export const DEFAULT_CONFIG_PATH = 'config/changebridge.yaml';

export interface FileSystem {
  existsSync(path: string): boolean;
  readFileSync(path: string, encoding: 'utf8'): string;
}

export type ConfigLocation =
  | { kind: 'file'; path: string; display: string; origin: 'argument' | 'env' | 'default' }
  | { kind: 'defaults' };

export interface LoadConfigOptions {
  /** The `--config` argument, if given. */
  path?: string;
  env: Env;
  cwd: string;
  /**
   * For `config check` in CI, where secrets are absent: a missing variable becomes a
   * warning, its field keeps the `${NAME}` text and is not validated. Never for running.
   */
  allowMissingEnv?: boolean;
  fs?: FileSystem;
}

export interface LoadedConfig {
  config: Config;
  /** The file as the operator named it, or `<embedded defaults>`. */
  source: string;
  /** Every resolved secret value, for the logger's redaction list. */
  secrets: string[];
  /** Only ever non-empty with allowMissingEnv: the variables that were missing. */
  warnings: ConfigIssue[];
  /** The file's values before `${NAME}` resolution, for masked display. */
  raw: unknown;
}

/** `--config`, else `CHANGEBRIDGE_CONFIG`, else `config/changebridge.yaml` if present, else defaults. */
export function resolveConfigPath(options: LoadConfigOptions): ConfigLocation {
  const fs = options.fs ?? nodeFs;
  const given: [string | undefined, 'argument' | 'env'][] = [
    [options.path, 'argument'],
    [options.env['CHANGEBRIDGE_CONFIG'], 'env'],
  ];
  for (const [display, origin] of given) {
    if (display === undefined || display === '') continue;
    const path = nodePath.resolve(options.cwd, display);
    if (!fs.existsSync(path)) {
      const by = origin === 'argument' ? '--config' : 'CHANGEBRIDGE_CONFIG';
      throw new ConfigError([
        fileIssue(display, 'file not found', `an existing YAML file; the path came from ${by}`),
      ]);
    }
    return { kind: 'file', path, display, origin };
  }
  const path = nodePath.resolve(options.cwd, DEFAULT_CONFIG_PATH);
  if (!fs.existsSync(path)) return { kind: 'defaults' };
  return { kind: 'file', path, display: DEFAULT_CONFIG_PATH, origin: 'default' };
}

export function loadConfig(options: LoadConfigOptions): LoadedConfig {
  const location = resolveConfigPath(options);
  if (location.kind === 'defaults') {
    return parseConfigText('{}', { ...options, file: EMBEDDED_DEFAULTS });
  }
  let text: string;
  try {
    text = (options.fs ?? nodeFs).readFileSync(location.path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError([fileIssue(location.display, `cannot read the file: ${reason}`)]);
  }
  return parseConfigText(text, { ...options, file: location.display });
}

const TOP_LEVEL_EXPECTED =
  'a mapping with keys such as database, server, connections; see config/changebridge.example.yaml';

/** Parses and validates YAML text; `file` is only used in messages. */
export function parseConfigText(
  text: string,
  options: { file: string; env: Env; allowMissingEnv?: boolean },
): LoadedConfig {
  const { file } = options;
  const counter = new LineCounter();
  const doc = parseDocument(text.replace(/^\uFEFF/, ''), {
    lineCounter: counter,
    prettyErrors: false,
  });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => ({
        severity: 'error',
        file,
        ...counter.linePos(e.pos[0]),
        path: '',
        message: `invalid YAML: ${e.message}`,
      })),
    );
  }
  if (doc.contents === null) {
    throw new ConfigError([fileIssue(file, 'the file is empty', TOP_LEVEL_EXPECTED)]);
  }
  if (!isMap(doc.contents)) {
    const kind = isSeq(doc.contents) ? 'a list' : 'a single value';
    const at = locate(doc, counter, []);
    throw new ConfigError([
      { ...fileIssue(file, `the top level is ${kind}, not a mapping`, TOP_LEVEL_EXPECTED), ...at },
    ]);
  }
  let raw: unknown;
  try {
    raw = dropNulls(doc.toJS({ maxAliasCount: 100 }));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError([fileIssue(file, `invalid YAML: ${reason}`)]);
  }

  const resolved = resolveEnv(raw, options.env, { allowMissingEnv: options.allowMissingEnv });
  const result = validate(configSchema, raw, resolved);
  const issues = result.issues.map((issue) => placed(issue, file, doc, counter)).sort(byPosition);
  const errors = issues.filter((issue) => issue.severity === 'error');
  if (errors.length > 0 || result.config === undefined) throw new ConfigError(errors);
  return {
    config: result.config,
    source: file,
    secrets: resolved.secrets,
    warnings: issues.filter((issue) => issue.severity === 'warning'),
    raw,
  };
}

function fileIssue(file: string, message: string, expected?: string): ConfigIssue {
  return { severity: 'error', file, path: '', message, expected };
}

function placed(issue: PathIssue, file: string, doc: Document, counter: LineCounter): ConfigIssue {
  const { path, at, ...rest } = issue;
  return { ...rest, file, ...locate(doc, counter, path, at), path: dotted(path) };
}

function byPosition(a: ConfigIssue, b: ConfigIssue): number {
  return (a.line ?? Infinity) - (b.line ?? Infinity) || (a.col ?? 0) - (b.col ?? 0);
}

/**
 * `server:` with everything below commented out parses as null; treat it as absent so
 * defaults apply, which is what the operator meant. Lists keep their nulls (and fail).
 */
function dropNulls(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(dropNulls);
  if (node === null || typeof node !== 'object') return node;
  const entries = Object.entries(node).filter(([, value]) => value !== null);
  return Object.fromEntries(entries.map(([key, value]) => [key, dropNulls(value)]));
}
