import { createPublicKey, createVerify, randomBytes, type KeyObject } from 'node:crypto';

/**
 * Who is calling: a personal token, the App itself (RS256 JWT, only for /app/*), or an
 * installation token the simulator issued. Anything else is "Bad credentials" like GitHub.
 */
export type Caller =
  | { kind: 'pat'; id: string }
  | { kind: 'app'; id: string; appId: number }
  | { kind: 'installation'; id: string; installationId: number };

export interface CredentialOptions {
  tokens?: readonly string[];
  app?: { appId: number; publicKeyPem: string; installationId: number };
}

export class Credentials {
  private readonly tokens: Set<string>;
  private readonly appKey: KeyObject | null;
  private readonly issued = new Map<string, { installationId: number; expiresAt: number }>();
  /** Installation token requests served: tests assert single-flight refresh with it. */
  tokenRequests = 0;

  constructor(private readonly o: CredentialOptions) {
    this.tokens = new Set(o.tokens ?? []);
    this.appKey = o.app ? createPublicKey(o.app.publicKeyPem) : null;
  }

  identify(header: string | undefined, nowMs: number): Caller | null {
    const m = /^(?:token|bearer)\s+(\S+)$/i.exec(header ?? '');
    if (!m) return null;
    const value = m[1]!;
    if (this.tokens.has(value)) return { kind: 'pat', id: `pat:${value.slice(-4)}` };
    const inst = this.issued.get(value);
    if (inst)
      return inst.expiresAt > nowMs
        ? {
            kind: 'installation',
            id: `installation:${inst.installationId}`,
            installationId: inst.installationId,
          }
        : null;
    return this.verifyJwt(value, nowMs);
  }

  issue(installationId: number, nowMs: number): { token: string; expires_at: string } | null {
    if (!this.o.app || this.o.app.installationId !== installationId) return null;
    this.tokenRequests += 1;
    const token = `ghs_${randomBytes(18).toString('base64url')}`;
    const expiresAt = nowMs + 3_600_000;
    this.issued.set(token, { installationId, expiresAt });
    return { token, expires_at: `${new Date(expiresAt).toISOString().slice(0, 19)}Z` };
  }

  private verifyJwt(jwt: string, nowMs: number): Caller | null {
    if (!this.appKey || !this.o.app) return null;
    const parts = jwt.split('.');
    if (parts.length !== 3) return null;
    const [head, body, sig] = parts as [string, string, string];
    const ok = createVerify('RSA-SHA256')
      .update(`${head}.${body}`)
      .verify(this.appKey, Buffer.from(sig, 'base64url'));
    if (!ok) return null;
    try {
      const header = JSON.parse(Buffer.from(head, 'base64url').toString()) as { alg?: string };
      const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as {
        iat?: number;
        exp?: number;
        iss?: string | number;
      };
      const now = nowMs / 1000;
      // GitHub: exp no more than 10 minutes after iat, not expired, iss = App id.
      if (
        header.alg !== 'RS256' ||
        typeof claims.exp !== 'number' ||
        typeof claims.iat !== 'number'
      )
        return null;
      if (claims.exp < now || claims.exp - claims.iat > 600 || claims.iat > now + 60) return null;
      if (String(claims.iss) !== String(this.o.app.appId)) return null;
      return { kind: 'app', id: `app:${this.o.app.appId}`, appId: this.o.app.appId };
    } catch {
      return null;
    }
  }
}
