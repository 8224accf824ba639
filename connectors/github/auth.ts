import { createPrivateKey, createSign, type KeyObject } from 'node:crypto';
import {
  ChangebridgeError,
  registerSecret,
  type Clock,
  type HttpClient,
} from '../../src/runtime/index.js';
import type { GitHubAuthOptions } from './options.js';
import { installationTokenSchema } from './schemas.js';

/**
 * GitHub authentication. A token is sent as is. A GitHub App signs a short JWT (RS256,
 * https://docs.github.com/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-json-web-token-jwt-for-a-github-app)
 * and trades it for an installation token (valid 1 h), cached until 5 min before expiry.
 * Concurrent callers share one refresh (single flight), so a burst of writes after expiry
 * costs one token request, not one per write.
 *
 * The JWT is made with node:crypto rather than @octokit/auth-app so the token request goes
 * through the shared per-host queue and retry layer like every other call.
 */
export interface GitHubAuth {
  readonly isApp: boolean;
  /** `Authorization` header for REST calls; App: the default installation's token. */
  headers(installationId?: number): Promise<Record<string, string>>;
}

/** Refresh this long before GitHub's `expires_at`, so a token never expires mid-request. */
const REFRESH_MARGIN_MS = 5 * 60_000;

export function createGitHubAuth(
  options: GitHubAuthOptions,
  api: () => HttpClient,
  clock: Clock,
): GitHubAuth {
  if (options.type === 'token') {
    registerSecret(options.token);
    return { isApp: false, headers: async () => ({ Authorization: `token ${options.token}` }) };
  }
  const key = loadKey(options.privateKey);
  const cache = new Map<number, { token: string; refreshAt: number }>();
  const inFlight = new Map<number, Promise<string>>();

  const appJwt = (): string => {
    const now = Math.floor(clock.now().getTime() / 1000);
    // iat 60 s in the past against clock drift; exp at most 10 min ahead (GitHub's limit).
    const claims = { iat: now - 60, exp: now + 9 * 60, iss: String(options.appId) };
    const head = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
    const body = b64url(JSON.stringify(claims));
    const signature = createSign('RSA-SHA256').update(`${head}.${body}`).sign(key);
    return `${head}.${body}.${b64url(signature)}`;
  };

  const fetchToken = async (installationId: number): Promise<string> => {
    const jwt = appJwt();
    const res = await api().post(`/app/installations/${installationId}/access_tokens`, undefined, {
      headers: { Authorization: `Bearer ${jwt}` },
    });
    const parsed = installationTokenSchema.safeParse(res.data);
    if (!parsed.success) {
      throw new ChangebridgeError(
        'github',
        `installation ${installationId}: access token response has no token/expires_at`,
        { hint: 'check apiUrl points at the GitHub REST API (…/api/v3 on GHES)' },
      );
    }
    registerSecret(parsed.data.token);
    const expiresAt = Date.parse(parsed.data.expires_at);
    cache.set(installationId, {
      token: parsed.data.token,
      refreshAt: expiresAt - REFRESH_MARGIN_MS,
    });
    return parsed.data.token;
  };

  const installationToken = (installationId: number): Promise<string> => {
    const cached = cache.get(installationId);
    if (cached && clock.now().getTime() < cached.refreshAt) return Promise.resolve(cached.token);
    const running = inFlight.get(installationId);
    if (running) return running;
    const p = fetchToken(installationId).finally(() => inFlight.delete(installationId));
    inFlight.set(installationId, p);
    return p;
  };

  return {
    isApp: true,
    headers: async (installationId) => {
      const id = installationId ?? options.installationId;
      if (id === undefined) {
        throw new ChangebridgeError(
          'github',
          `app ${options.appId}: no installation id to act as`,
          {
            hint: 'set auth.installationId on the github connection',
          },
        );
      }
      return { Authorization: `token ${await installationToken(id)}` };
    },
  };
}

function loadKey(pem: string): KeyObject {
  try {
    // Config files often carry the PEM with literal "\n" sequences.
    return createPrivateKey(pem.includes('\\n') ? pem.replace(/\\n/g, '\n') : pem);
  } catch {
    throw new ChangebridgeError('github', 'auth.privateKey is not a PEM private key', {
      hint: 'paste the .pem file GitHub generated for the App (BEGIN RSA PRIVATE KEY)',
    });
  }
}

function b64url(input: string | Buffer): string {
  return Buffer.from(input).toString('base64url');
}
