import { AxiosError, AxiosHeaders } from 'axios';
import {
  REDACTED,
  SecretRegistry,
  isSecretKey,
  redact,
  redactString,
} from '../../../src/runtime/index.js';

const registry = new SecretRegistry();
const opts = { registry };

describe('isSecretKey', () => {
  it.each([
    'Authorization',
    'proxy-authorization',
    'Cookie',
    'set-cookie',
    'password',
    'db_passwd',
    'webhookSecret',
    'client_secret',
    'access_token',
    'refreshToken',
    'PRIVATE-TOKEN',
    'x-gitlab-token',
    'api_key',
    'apiKey',
    'apiToken',
    'x-api-key',
    'private_key',
    'privateKey',
    'credentials',
  ])('%s is secret', (key) => expect(isSecretKey(key)).toBe(true));

  it.each(['nextPageToken', 'token_type', 'user', 'sys_id', 'keyName', 'authorName'])(
    '%s is not secret',
    (key) => expect(isSecretKey(key)).toBe(false),
  );
});

describe('redactString', () => {
  afterEach(() => registry.clear());

  it('replaces registered secrets anywhere, and their URL-encoded form', () => {
    registry.register('s3cr3t/v+lue');
    expect(redactString('x s3cr3t/v+lue y s3cr3t%2Fv%2Blue', registry)).toBe(
      `x ${REDACTED} y ${REDACTED}`,
    );
  });

  it('ignores registered values shorter than 4 characters', () => {
    registry.register('abc');
    expect(registry.size).toBe(0);
    expect(redactString('abcabc', registry)).toBe('abcabc');
  });

  it('replaces a longer secret whole even when a shorter one is inside it', () => {
    registry.register('pass');
    registry.register('password123');
    expect(redactString('password123', registry)).toBe(REDACTED);
  });

  it('redacts Basic and Bearer credentials but keeps prose', () => {
    expect(redactString('Authorization: Basic dXNlcjpwYXNz', registry)).toBe(
      `Authorization: Basic ${REDACTED}`,
    );
    expect(redactString('bearer eyJhbGciOi.J9.x-y_z', registry)).toBe(`bearer ${REDACTED}`);
    expect(redactString('Basic authentication failed', registry)).toBe(
      'Basic authentication failed',
    );
  });

  it('redacts URL passwords and secret query parameters', () => {
    expect(redactString('mysql://app:hunter22@db:3306/cb', registry)).toBe(
      `mysql://app:${REDACTED}@db:3306/cb`,
    );
    expect(
      redactString('GET https://gl/api?private_token=abc123&page=2&access_token=zz', registry),
    ).toBe(`GET https://gl/api?private_token=${REDACTED}&page=2&access_token=${REDACTED}`);
    expect(redactString('https://x/y?sig=abcd&sysparm_limit=10', registry)).toBe(
      `https://x/y?sig=${REDACTED}&sysparm_limit=10`,
    );
  });

  it('catches unregistered vendor token formats', () => {
    const gh = `ghp_${'a'.repeat(36)}`;
    const gl = `glpat-${'B'.repeat(20)}`;
    expect(redactString(`token ${gh} and ${gl}`, registry)).toBe(
      `token ${REDACTED} and ${REDACTED}`,
    );
  });
});

describe('redact', () => {
  afterEach(() => registry.clear());

  it('redacts secret keys at any depth and inside arrays', () => {
    const input = {
      headers: { Authorization: 'Basic x', accept: 'json' },
      list: [{ token: 't1' }, { nested: { client_secret: { deep: 1 } } }],
    };
    expect(redact(input, opts)).toEqual({
      headers: { Authorization: REDACTED, accept: 'json' },
      list: [{ token: REDACTED }, { nested: { client_secret: REDACTED } }],
    });
  });

  it('does not mutate the input', () => {
    const input = { password: 'p', inner: { token: 't' }, list: ['Bearer abcdefgh'] };
    const copy = structuredClone(input);
    redact(input, opts);
    expect(input).toEqual(copy);
  });

  it('handles cycles without marking shared siblings as circular', () => {
    const shared = { v: 1 };
    const a: Record<string, unknown> = { shared, again: shared };
    a.self = a;
    expect(redact(a, opts)).toEqual({ shared: { v: 1 }, again: { v: 1 }, self: '[Circular]' });
  });

  it('turns Errors into name, message, stack, own fields and cause', () => {
    registry.register('canary-123');
    const cause = new Error('inner canary-123');
    const err = Object.assign(new Error('outer canary-123', { cause }), {
      status: 500,
      token: 'x',
    });
    const out = redact({ err }, opts) as { err: Record<string, unknown> };
    expect(out.err).toMatchObject({
      name: 'Error',
      message: `outer ${REDACTED}`,
      status: 500,
      token: REDACTED,
      cause: { message: `inner ${REDACTED}` },
    });
    expect(String(out.err.stack)).toContain(`outer ${REDACTED}`);
    expect(JSON.stringify(out)).not.toContain('canary-123');
  });

  it('summarises axios errors, redacting their request headers', () => {
    const config = {
      method: 'get',
      url: '/x',
      headers: new AxiosHeaders({ Authorization: 'Bearer sekrit-token-value' }),
    };
    const e = new AxiosError(
      'Request failed',
      'ERR_BAD_RESPONSE',
      config,
      {},
      {
        status: 500,
        statusText: 'err',
        headers: { 'set-cookie': ['sid=1'] },
        config,
        data: { secretPayload: true, body: 'private' },
      },
    );
    const text = JSON.stringify(redact(e, opts));
    expect(text).not.toContain('sekrit-token-value');
    expect(text).not.toContain('sid=1');
    expect(text).not.toContain('private');
    expect(text).toContain('ERR_BAD_RESPONSE');
  });

  it('handles Dates, Buffers, Maps, Sets, bigints, functions and URLs', () => {
    const out = redact(
      {
        at: new Date('2026-01-02T03:04:05Z'),
        bad: new Date('nope'),
        key: Buffer.from('-----BEGIN PRIVATE KEY-----'),
        m: new Map<string, unknown>([
          ['password', 'x'],
          ['a', 1],
        ]),
        s: new Set([1, 2]),
        n: 10n,
        f: function named() {},
        u: new URL('https://u:pw@host/p?token=abc'),
      },
      opts,
    );
    expect(out).toEqual({
      at: '2026-01-02T03:04:05.000Z',
      bad: 'Invalid Date',
      key: '[Buffer 27 bytes]',
      m: { password: REDACTED, a: 1 },
      s: [1, 2],
      n: '10',
      f: '[Function named]',
      u: `https://u:${REDACTED}@host/p?token=${REDACTED}`,
    });
  });

  it('truncates very deep structures', () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 20; i++) deep = { d: deep };
    expect(JSON.stringify(redact(deep, { registry, maxDepth: 3 }))).toBe(
      '{"d":{"d":{"d":"[Truncated]"}}}',
    );
  });

  it('leaves non-secret values untouched', () => {
    const input = {
      changeKey: 'CHG0030001',
      url: 'https://dev.service-now.com/api/now/table/change_request?sysparm_limit=10',
      count: 3,
      ok: true,
      nothing: null,
      nextPageToken: 'CAEaAggB',
    };
    expect(redact(input, opts)).toEqual(input);
  });
});
