/**
 * The database URL grammar lives in the store (`src/store/database-url.ts`), which connects
 * with it; the config schema validates with the same parser. This file only keeps the
 * textual password helpers masking needs (the password may be a `${NAME}` reference).
 */
export {
  DATABASE_URL_EXPECTED,
  databaseUrlProblem,
  parseDatabaseUrl,
  type DatabaseTarget,
} from '../store/database-url.js';

const USERINFO = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/[^:@/?#]*:)([^@/?#]*)(@.*)$/s;

/** The password part of a URL as written (possibly a `${NAME}` reference), if any. */
export function urlPasswordText(url: string): string | undefined {
  const password = USERINFO.exec(url)?.[2];
  return password === undefined || password === '' ? undefined : password;
}

/** `url` with its password part replaced, textually, so the rest reads exactly as written. */
export function replaceUrlPassword(url: string, replacement: string): string {
  return url.replace(USERINFO, (_all, head: string, _password: string, tail: string) => {
    return `${head}${replacement}${tail}`;
  });
}
