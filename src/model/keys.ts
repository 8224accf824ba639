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
const isAlnum = (c: number) => isUpper(c) || isDigit(c) || (c >= 97 && c <= 122);
const isWordChar = (c: number) => isAlnum(c) || c === 95;

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
      // "_" separates words in branch names (`chg0030001_fix`, `feature_ops-42`), but
      // Jira project keys may contain it too (`MY_PROJ-7`): try the word and its parts.
      for (const part of word.split('_')) {
        const change = matchChange(part, patterns);
        if (change) changes.add(change);
      }
      if (j < text.length && text.charCodeAt(j) === 45 /* - */) {
        let k = j + 1;
        while (k < text.length && isDigit(text.charCodeAt(k))) k++;
        const boundary = k >= text.length || !isAlnum(text.charCodeAt(k));
        const num = text.slice(j + 1, k);
        const project = projectOf(word, projects);
        if (k > j + 1 && boundary && project && num.length <= 10 && !num.startsWith('0')) {
          issues.add(`${project}-${num}`);
        }
        i = k;
        continue;
      }
      i = j;
    }
  }
  return { changeKeys: [...changes].sort(), issueKeys: [...issues].sort() };
}

/** The Jira project key a word ends with: the whole word, else its part after the last "_". */
function projectOf(word: string, projects: ReadonlySet<string>): string | null {
  const last = word.slice(word.lastIndexOf('_') + 1);
  for (const candidate of word.includes('_') ? [word, last] : [word]) {
    if (candidate.length > MAX_PROJECT_KEY || !/^[A-Z][A-Z0-9_]+$/.test(candidate)) continue;
    if (projects.size === 0 || projects.has(candidate)) return candidate;
  }
  return null;
}

function matchChange(word: string, patterns: KeyPatterns): string | null {
  for (const prefix of patterns.changePrefixes) {
    if (word.length !== prefix.length + patterns.changeDigits || !word.startsWith(prefix)) continue;
    const digits = word.slice(prefix.length);
    if (/^[0-9]+$/.test(digits)) return word;
  }
  return null;
}
