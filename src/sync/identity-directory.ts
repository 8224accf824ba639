import { normaliseEmail, type Person } from '../model/index.js';

/**
 * One human, however many accounts (DESIGN §3): configured identity links first, then
 * email. Person rows created before a link was configured may still be split; policies
 * compare people through `canonicaliser`, which folds such rows into one id (the smallest
 * of them, so the choice is stable), without rewriting history.
 */
export interface IdentityLink {
  name: string;
  email?: string | undefined;
  ids: readonly string[];
}

export interface Canonicaliser {
  id(personId: string | null | undefined): string | null;
  /** Canonical id → the merged person (identities of every folded row). */
  people: ReadonlyMap<string, Person>;
}

export class IdentityDirectory {
  private readonly groupOf = new Map<string, number>();

  constructor(private readonly links: readonly IdentityLink[]) {
    links.forEach((link, i) => {
      for (const id of link.ids) this.groupOf.set(id, i);
    });
  }

  /** The configured link an identity belongs to. */
  linkOf(identity: string): IdentityLink | null {
    const i = this.groupOf.get(identity);
    return i === undefined ? null : this.links[i]!;
  }

  /** Every identity configured as the same person as `identity` (itself excluded). */
  siblings(identity: string): string[] {
    return (this.linkOf(identity)?.ids ?? []).filter((id) => id !== identity);
  }

  canonicaliser(people: readonly Person[]): Canonicaliser {
    // Union-find over person ids: same configured link, or same email.
    const parent = new Map<string, string>();
    const find = (x: string): string => {
      let root = x;
      while (parent.get(root) !== root) root = parent.get(root) ?? root;
      parent.set(x, root);
      return root;
    };
    const union = (a: string, b: string) => {
      const ra = find(a);
      const rb = find(b);
      if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
    };
    const byKey = new Map<string, string>();
    for (const p of people) {
      parent.set(p.id, p.id);
      const keys: string[] = [];
      const email = normaliseEmail(p.email);
      if (email) keys.push(`email:${email}`);
      for (const identity of p.identities) {
        const link = this.groupOf.get(identity);
        if (link !== undefined) keys.push(`link:${link}`);
      }
      for (const key of keys) {
        const seen = byKey.get(key);
        if (seen) union(seen, p.id);
        else byKey.set(key, p.id);
      }
    }
    const merged = new Map<string, Person>();
    for (const p of [...people].sort((a, b) => a.id.localeCompare(b.id))) {
      const root = find(p.id);
      const prev = merged.get(root);
      const configured = p.identities.map((i) => this.linkOf(i)).find((l) => l !== null);
      merged.set(root, {
        id: root,
        displayName: configured?.name ?? prev?.displayName ?? p.displayName,
        email: normaliseEmail(configured?.email) ?? prev?.email ?? normaliseEmail(p.email),
        identities: [...new Set([...(prev?.identities ?? []), ...p.identities])].sort(),
        updatedAt: p.updatedAt,
      });
    }
    return {
      id: (personId) => (personId ? (parent.has(personId) ? find(personId) : personId) : null),
      people: merged,
    };
  }
}
