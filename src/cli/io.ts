import type { Environment } from '../main.js';

/** What a command may touch: streams, environment, working folder. Tests pass their own. */
export interface CliIo extends Environment {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export function write(stream: NodeJS.WritableStream, text: string): void {
  stream.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** Global options every command sees. */
export interface GlobalOptions {
  config?: string;
  verbose?: boolean;
}
