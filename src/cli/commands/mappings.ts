import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  buildMappingSet,
  formatProblem,
  previewRecord,
  type MappingFile,
} from '../../mapping/index.js';
import { readMappingDir, readMappingFile, MappingDirError } from '../../mapping/load-files.js';
import { write, type CliIo } from '../io.js';

const EXIT = { ok: 0, failed: 1, usage: 64, unreadable: 78 } as const;

class UsageError extends Error {
  readonly exitCode = EXIT.usage;
}

function validate(io: CliIo, dirArg: string | undefined): number {
  const dir = resolve(io.cwd, dirArg ?? 'mappings');
  const shown = relative(io.cwd, dir) || '.';
  const files = readMappingDir(dir);
  if (files.length === 0) {
    write(io.stdout, `${shown}: no <system>.<kind>.yaml mapping files found`);
    return EXIT.failed;
  }
  const set = buildMappingSet(files, shown);
  for (const p of set.problems) write(io.stdout, formatProblem(p));
  if (set.problems.length > 0) {
    write(io.stdout, `${set.problems.length} problem(s) in ${files.length} file(s) under ${shown}`);
    return EXIT.failed;
  }
  write(io.stdout, `${files.length} mapping file(s) under ${shown} are valid:`);
  for (const m of set.all) {
    write(
      io.stdout,
      `  ${m.files[m.files.length - 1]}  ${m.system}.${m.kind} → ${m.target}, ${m.fields.length} fields, hash ${m.hash.slice(0, 12)}`,
    );
  }
  return EXIT.ok;
}

/** A tenant override previews together with the default it inherits from. */
function filesFor(path: string): { files: MappingFile[]; root: string } {
  const name = basename(path);
  const parentDefault = join(dirname(dirname(path)), name);
  const tenant = basename(dirname(path));
  const text = readMappingFile(path);
  if (existsSync(parentDefault) && parentDefault !== path) {
    return {
      files: [
        { path: name, text: readMappingFile(parentDefault) },
        { path: `${tenant}/${name}`, text },
      ],
      root: dirname(dirname(path)),
    };
  }
  return { files: [{ path: name, text }], root: dirname(path) };
}

function preview(io: CliIo, opts: { mapping?: string; record?: string; json?: boolean }): number {
  if (!opts.mapping || !opts.record) {
    throw new UsageError(
      '[changebridge/mapping] preview needs --mapping <file> and --record <payload.json>',
    );
  }
  const mappingPath = isAbsolute(opts.mapping) ? opts.mapping : resolve(io.cwd, opts.mapping);
  const { files, root } = filesFor(mappingPath);
  const set = buildMappingSet(files, relative(io.cwd, root) || '.');
  if (set.problems.length > 0) {
    for (const p of set.problems) write(io.stdout, formatProblem(p));
    return EXIT.failed;
  }
  const mapping = set.all.find((m) => m.tenant !== null) ?? set.all[0];
  if (!mapping) throw new UsageError(`[changebridge/mapping] ${opts.mapping} holds no mapping`);
  let record: unknown;
  const recordPath = resolve(io.cwd, opts.record);
  try {
    record = JSON.parse(readFileSync(recordPath, 'utf8')) as unknown;
  } catch (err) {
    throw new MappingDirError(opts.record, `not a readable JSON file (${(err as Error).message})`);
  }
  const result = previewRecord(mapping, record);
  if (opts.json) {
    write(io.stdout, JSON.stringify(result, null, 2));
  } else {
    write(
      io.stdout,
      `mapping ${result.mapping.files.join(' + ')} → ${result.mapping.target} (hash ${result.mapping.hash.slice(0, 12)})`,
    );
    write(io.stdout, `\ncanonical:\n${JSON.stringify(result.canonical, null, 2)}`);
    write(io.stdout, `\nrecord issues: ${result.issues.length === 0 ? 'none' : ''}`);
    for (const i of result.issues) write(io.stdout, `  ${i.field}: ${i.message}`);
    write(
      io.stdout,
      `\nwrite-back (out/both fields):\n${JSON.stringify(result.reverse.patch, null, 2)}`,
    );
    for (const w of result.reverse.writes) {
      write(
        io.stdout,
        `  ${w.field} → ${w.target}${w.authority ? ` (authority: ${w.authority})` : ''}`,
      );
    }
    for (const i of result.reverse.issues) write(io.stdout, `  ${i.field}: ${i.message}`);
    write(io.stdout, `\nsource fields nothing maps (${result.unmapped.length}):`);
    for (const p of result.unmapped) write(io.stdout, `  ${p}`);
  }
  return result.issues.length === 0 ? EXIT.ok : EXIT.failed;
}

export function registerMappings(
  program: Command,
  io: CliIo,
  run: (fn: () => Promise<number>) => void,
): void {
  const group = program
    .command('mappings')
    .description('check and try the field mappings (mappings/*.yaml)');
  group
    .command('validate [dir]')
    .description('check every mapping file in dir (default ./mappings) and its tenant folders')
    .addHelpText(
      'after',
      '\nExamples:\n  $ changebridge mappings validate\n  $ changebridge mappings validate ./mappings\n\nExit codes: 0 valid, 1 problems found, 78 folder unreadable',
    )
    .action((dir: string | undefined) => run(async () => validate(io, dir)));
  group
    .command('preview')
    .description('map one record: canonical result, write-back output, unmapped source fields')
    .option('--mapping <file>', 'mapping file, e.g. mappings/servicenow.change_request.yaml')
    .option('--record <payload.json>', 'a raw record or webhook body')
    .option('--json', 'print one JSON document')
    .addHelpText(
      'after',
      '\nExamples:\n  $ changebridge mappings preview --mapping mappings/jira.issue.yaml --record issue.json\n\nExit codes: 0 mapped cleanly, 1 record or mapping problems, 64 usage, 78 unreadable file',
    )
    .action((opts: { mapping?: string; record?: string; json?: boolean }) =>
      run(async () => preview(io, opts)),
    );
}
