/** One human across systems. Separation-of-duties checks compare Person ids only. */
export interface Person {
  id: string;
  displayName: string;
  /** Lower-cased email, or null when no system told us. */
  email: string | null;
  /** `servicenow:sys_user:<id>`, `jira:<accountId>`, `github:<login>`, `gitlab:<username>`. */
  identities: string[];
  updatedAt: Date;
}

export function normaliseEmail(email: string | null | undefined): string | null {
  const trimmed = email?.trim().toLowerCase();
  return trimmed ? trimmed : null;
}

/**
 * Which person an identity belongs to: configured identity links first, then by email
 * (DESIGN §3). Returns null when neither matches; the caller creates a new Person.
 */
export function resolvePerson(
  people: readonly Person[],
  identity: string,
  email: string | null,
): Person | null {
  const byIdentity = people.find((p) => p.identities.includes(identity));
  if (byIdentity) return byIdentity;
  const normalised = normaliseEmail(email);
  if (!normalised) return null;
  return people.find((p) => p.email === normalised) ?? null;
}
