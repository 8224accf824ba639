import {
  ChangebridgeError,
  registerSecret,
  type Clock,
  type HttpClient,
} from '../../src/runtime/index.js';
import { z } from 'zod';
import type { ServiceNowAuth } from './options.js';

/**
 * Credentials for the Table API. Basic is a fixed header. OAuth asks `/oauth_token.do` for
 * a bearer token and refreshes it when it is about to expire or the instance answers 401.
 * Refresh is single-flight: however many calls find the token stale at once, one token
 * request is made and they all wait for it.
 */
export interface AuthProvider {
  /** Headers for the next call, and the generation of the token in them. */
  headers(): Promise<{ headers: Record<string, string>; generation: number }>;
  /**
   * The instance answered 401 to a call made at `generation`. True when a fresh token is
   * available (so the call is worth repeating once); false for Basic, where nothing changes.
   */
  refreshAfter401(generation: number): Promise<boolean>;
}

const tokenSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().optional(),
  expires_in: z.union([z.number(), z.string()]).optional(),
  token_type: z.string().optional(),
});

/** Refresh this long before the announced expiry, for clock skew and slow requests. */
const EXPIRY_MARGIN_MS = 30_000;

export function createAuthProvider(
  auth: ServiceNowAuth,
  tokenClient: HttpClient,
  clock: Clock,
): AuthProvider {
  if (auth.type === 'basic') {
    const header = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
    return {
      headers: async () => ({ headers: { Authorization: header }, generation: 0 }),
      refreshAfter401: async () => false,
    };
  }
  return new OAuthProvider(auth, tokenClient, clock);
}

type OAuth = Extract<ServiceNowAuth, { type: 'oauth' }>;

interface Token {
  access: string;
  refreshAtMs: number;
  generation: number;
}

export class OAuthProvider implements AuthProvider {
  private token: Token | undefined;
  private refreshToken: string | undefined;
  private inFlight: Promise<Token> | undefined;
  /** Token requests made; tests check single-flight with it. */
  tokenRequests = 0;

  constructor(
    private readonly auth: OAuth,
    private readonly client: HttpClient,
    private readonly clock: Clock,
  ) {
    this.refreshToken = auth.refreshToken;
  }

  async headers(): Promise<{ headers: Record<string, string>; generation: number }> {
    const now = this.clock.now().getTime();
    const token = this.token && this.token.refreshAtMs > now ? this.token : await this.refresh();
    return { headers: { Authorization: `Bearer ${token.access}` }, generation: token.generation };
  }

  private generation = 0;

  async refreshAfter401(generation: number): Promise<boolean> {
    // Only a caller that saw the current token rejected drops it; callers whose token was
    // already replaced just try again, and concurrent droppers join one refresh.
    if (generation === this.generation) this.token = undefined;
    if (!this.token) await this.refresh();
    return true;
  }

  private refresh(): Promise<Token> {
    this.inFlight ??= this.requestToken().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async requestToken(): Promise<Token> {
    // A held refresh token is cheapest; if the instance refuses it, fall back to the grant
    // configured (unless that grant *is* refresh_token: then there is nothing else to try).
    if (this.refreshToken && this.auth.grantType !== 'refresh_token') {
      try {
        return await this.grant('refresh_token');
      } catch {
        this.refreshToken = undefined;
      }
    }
    return this.grant(this.auth.grantType);
  }

  private async grant(grantType: OAuth['grantType']): Promise<Token> {
    const form = new URLSearchParams({
      grant_type: grantType,
      client_id: this.auth.clientId,
      client_secret: this.auth.clientSecret,
    });
    if (grantType === 'password') {
      form.set('username', this.auth.username ?? '');
      form.set('password', this.auth.password ?? '');
    }
    if (grantType === 'refresh_token') form.set('refresh_token', this.refreshToken ?? '');
    this.tokenRequests += 1;
    // Asking for a token twice is harmless, so network failures may be retried.
    const res = await this.client.post('/oauth_token.do', form.toString(), {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      idempotent: true,
    });
    const parsed = tokenSchema.safeParse(res.data);
    if (!parsed.success) {
      throw new ChangebridgeError(
        'servicenow',
        `POST ${this.client.baseUrl}/oauth_token.do answered without an access_token`,
        {
          hint: 'check that OAuth is enabled on the instance and the client id is an OAuth API endpoint',
        },
      );
    }
    const raw = Number(parsed.data.expires_in ?? 1800);
    const lifeMs = (Number.isFinite(raw) && raw > 0 ? raw : 1800) * 1000;
    // Refresh ahead of expiry, but never sooner than half the token's life.
    const aheadMs = Math.min(EXPIRY_MARGIN_MS, lifeMs / 2);
    this.generation += 1;
    this.token = {
      access: parsed.data.access_token,
      refreshAtMs: this.clock.now().getTime() + lifeMs - aheadMs,
      generation: this.generation,
    };
    // Tokens are secrets too: keep them out of every log line and error message.
    registerSecret(parsed.data.access_token);
    if (parsed.data.refresh_token) {
      registerSecret(parsed.data.refresh_token);
      this.refreshToken = parsed.data.refresh_token;
    }
    return this.token;
  }
}
