/** One thing wrong with a mapping file, positioned when the file's text is known. */
export interface MappingProblem {
  file: string;
  line?: number;
  col?: number;
  /** Dot path inside the file, e.g. `fields.risk.map`. */
  path: string;
  message: string;
}

export function formatProblem(p: MappingProblem): string {
  const where = p.line === undefined ? p.file : `${p.file}:${p.line}:${p.col ?? 1}`;
  return `${where}: ${p.path ? `${p.path}: ` : ''}${p.message}`;
}

/** Thrown when a mapping cannot be compiled; carries every problem found, not just the first. */
export class MappingError extends Error {
  readonly problems: readonly MappingProblem[];
  /** sysexits EX_DATAERR-ish: the CLI maps validation failures to exit 1. */
  readonly exitCode = 1;
  constructor(problems: readonly MappingProblem[]) {
    super(
      problems.length === 1 && problems[0]
        ? formatProblem(problems[0])
        : `[changebridge/mapping] ${problems.length} problems:\n${problems.map(formatProblem).join('\n')}`,
    );
    this.name = 'MappingError';
    this.problems = problems;
  }
}
