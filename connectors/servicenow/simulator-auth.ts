import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../../src/runtime/index.js';
import { sendJson } from './simulator-http.js';

/**
 * The simulator's authentication: Basic against its users, and OAuth's `/oauth_token.do`
 * (password, client_credentials, refresh_token grants) handing out bearer tokens that
 * expire after `ttlSeconds` on the simulator's clock, as an instance's do.
 */
export interface SimUser {
  userName: string;
  password: string;
}

export interface SimOAuthClient {
  clientId: string;
  clientSecret: string;
}

export class SimAuth {
  tokenRequests = 0;
  private readonly tokens = new Map<string, { user: string; expiresAtMs: number }>();
  private readonly refreshTokens = new Map<string, string>();

  constructor(
    private readonly users: SimUser[],
    private readonly clients: SimOAuthClient[],
    private readonly clock: Clock,
    private readonly ttlSeconds: number,
  ) {}

  /** Expire every access token now. */
  revoke(): void {
    this.tokens.clear();
  }

  /** `POST /oauth_token.do`, form-encoded: password, client_credentials, refresh_token. */
  token(res: ServerResponse, body: string): void {
    this.tokenRequests += 1;
    const form = new URLSearchParams(body);
    const denied = (): void =>
      sendJson(res, 401, { error_description: 'access_denied', error: 'server_error' });
    const client = this.clients.find(
      (c) => c.clientId === form.get('client_id') && c.clientSecret === form.get('client_secret'),
    );
    if (!client) return denied();
    let user: string | undefined;
    switch (form.get('grant_type')) {
      case 'password': {
        const u = this.users.find(
          (x) => x.userName === form.get('username') && x.password === form.get('password'),
        );
        user = u?.userName;
        break;
      }
      case 'client_credentials':
        user = this.users[0]?.userName;
        break;
      case 'refresh_token':
        user = this.refreshTokens.get(form.get('refresh_token') ?? '');
        break;
      default:
        return sendJson(res, 400, {
          error_description: 'unsupported grant_type',
          error: 'invalid_request',
        });
    }
    if (!user) return denied();
    const ttl = this.ttlSeconds;
    const access = randomBytes(24).toString('base64url');
    const refresh = randomBytes(24).toString('base64url');
    this.tokens.set(access, { user, expiresAtMs: this.clock.now().getTime() + ttl * 1000 });
    this.refreshTokens.set(refresh, user);
    sendJson(res, 200, {
      access_token: access,
      refresh_token: refresh,
      scope: 'useraccount',
      token_type: 'Bearer',
      expires_in: ttl,
    });
  }

  authenticate(req: IncomingMessage): string | undefined {
    const header = req.headers.authorization ?? '';
    if (header.startsWith('Basic ')) {
      const [name, ...rest] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
      const u = this.users.find((x) => x.userName === name && x.password === rest.join(':'));
      return u?.userName;
    }
    if (header.startsWith('Bearer ')) {
      const t = this.tokens.get(header.slice(7));
      if (!t || t.expiresAtMs <= this.clock.now().getTime()) return undefined;
      return t.user;
    }
    return undefined;
  }
}
