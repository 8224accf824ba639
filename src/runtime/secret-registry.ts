/**
 * Secret values known at run time (resolved from `${ENV}` references in the config).
 * Key-based redaction only catches secrets that sit under a telling key; a token pasted
 * into a URL, an error message or a stack trace is only caught by knowing its value.
 */
export class SecretRegistry {
  /** Kept sorted longest first so a secret that contains another is replaced whole. */
  private values: string[] = [];

  /**
   * Remember a secret value. Values shorter than 4 characters are ignored: replacing
   * "on" or "1" everywhere would shred every log line while protecting nothing real.
   */
  register(value: string | undefined | null): void {
    if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) return;
    const variants = new Set([value, encodeURIComponent(value)]);
    let changed = false;
    for (const v of variants) {
      if (!this.values.includes(v)) {
        this.values.push(v);
        changed = true;
      }
    }
    if (changed) this.values.sort((a, b) => b.length - a.length);
  }

  /** Replace every occurrence of every registered value inside `text`. */
  scrub(text: string, replacement: string): string {
    let out = text;
    for (const secret of this.values) {
      if (out.includes(secret)) out = out.split(secret).join(replacement);
    }
    return out;
  }

  get size(): number {
    return this.values.length;
  }

  /** For tests only: forget every registered value. */
  clear(): void {
    this.values = [];
  }
}

export const MIN_SECRET_LENGTH = 4;

/** The process-wide registry the config loader feeds and every logger reads by default. */
export const secretRegistry = new SecretRegistry();

/** Register a secret value in the process-wide registry. */
export function registerSecret(value: string | undefined | null): void {
  secretRegistry.register(value);
}
