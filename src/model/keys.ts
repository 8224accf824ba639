/**
 * Finds change numbers (`CHG0030001`) and Jira issue keys (`OPS-12`) in free text: PR
 * titles, branch names, bodies, deployment descriptions (DESIGN §4).
 *
 * No user-supplied regular expressions: the text is scanned once, token by token, so the
 * cost is linear in its length whatever the configuration (no catastrophic backtracking).
 */
export interface KeyPatterns {
  /** Change number prefixes, e.g. `['CHG']`. Upper-case letters only. */
  changePrefixes: readonly string[];
  /** Digits after the prefix (ServiceNow: 7). */
  changeDigits: number;
  /** Jira project keys to accept; empty accepts any `ABC-123`. */
  jiraProjects: readonly string[];
}

export const DEFAULT_KEY_PATTERNS: KeyPatterns = {
  changePrefixes: ['CHG'],
  changeDigits: 7,
  jiraProjects: [],
};

export interface ExtractedKeys {
  changeKeys: string[];
  issueKeys: string[];
}

/** Jira project keys are short (default limit 10 characters); longer words are not keys. */
const MAX_PROJECT_KEY = 32;

/** Longest text scanned; beyond it keys are ignored (bodies can be megabytes). */
export const MAX_SCAN_LENGTH = 65_536;

const isUpper = (c: number) => c >= 65 && c <= 90;
const isDigit = (c: number) => c >= 48 && c <= 57;
const isWordChar = (c: number) => isUpper(c) || isDigit(c) || (c >= 97 && c <= 122) || c === 95;

export function extractKeys(
  texts: readonly (string | null | undefined)[],
  patterns: KeyPatterns = DEFAULT_KEY_PATTERNS,
): ExtractedKeys {
  const changes = new Set<string>();
  const issues = new Set<string>();
  const projects = new Set(patterns.jiraProjects.map((p) => p.toUpperCase()));
  for (const raw of texts) {
    if (!raw) continue;
    // Case-insensitive match: branch names are often lower case (`feature/ops-12-fix`).
    const text = raw.slice(0, MAX_SCAN_LENGTH).toUpperCase();
    let i = 0;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (!isUpper(c) || (i > 0 && isWordChar(text.charCodeAt(i - 1)))) {
        i++;
        continue;
      }
      // A token starting at a word boundary: letters/digits/underscore, maybe "-digits".
      let j = i;
      while (
        j < text.length &&
        (isUpper(text.charCodeAt(j)) || isDigit(text.charCodeAt(j)) || text.charCodeAt(j) === 95)
      )
        j++;
      const word = text.slice(i, j);
      const change = matchChange(word, patterns);
      if (change && !(j < text.length && isWordChar(text.charCodeAt(j)))) changes.add(change);
      if (j < text.length && text.charCodeAt(j) === 45 /* - */) {
        let k = j + 1;
        while (k < text.length && isDigit(text.charCodeAt(k))) k++;
        const boundary = k >= text.length || !isWordChar(text.charCodeAt(k));
        if (
          k > j + 1 &&
          boundary &&
          word.length <= MAX_PROJECT_KEY &&
          /^[A-Z][A-Z0-9_]+$/.test(word) &&
          (projects.size === 0 || projects.has(word))
        ) {
          const num = text.slice(j + 1, k);
          if (num.length <= 10 && !/^0/.test(num)) issues.add(`${word}-${num}`);
        }
        i = k;
        continue;
      }
      i = j;
    }
  }
  return { changeKeys: [...changes].sort(), issueKeys: [...issues].sort() };
}

function matchChange(word: string, patterns: KeyPatterns): string | null {
  for (const prefix of patterns.changePrefixes) {
    if (word.length !== prefix.length + patterns.changeDigits || !word.startsWith(prefix)) continue;
    const digits = word.slice(prefix.length);
    if (/^[0-9]+$/.test(digits)) return word;
  }
  return null;
}
