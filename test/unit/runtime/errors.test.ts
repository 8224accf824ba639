import {
  ChangebridgeError,
  HttpError,
  isGoneError,
  UserError,
  formatErrorForCli,
  registerSecret,
  secretRegistry,
  summariseVendorErrorBody,
} from '../../../src/runtime/index.js';

describe('ChangebridgeError and UserError', () => {
  it('prefix the component and carry hint and exit code', () => {
    const e = new ChangebridgeError('store', 'migration 3 failed', { hint: 'run migrate' });
    expect(e.message).toBe('[changebridge/store] migration 3 failed');
    expect(e).toMatchObject({ component: 'store', hint: 'run migrate', exitCode: 1 });
    const u = new UserError('config', 'config.yaml: http.defaults.concurrency is -1');
    expect(u).toBeInstanceOf(ChangebridgeError);
    expect(u.exitCode).toBe(2);
    expect(u.name).toBe('UserError');
  });
});

describe('formatErrorForCli', () => {
  afterEach(() => secretRegistry.clear());

  it('prints message and hint without a stack for user errors', () => {
    const text = formatErrorForCli(new UserError('config', 'bad value', { hint: 'fix it' }));
    expect(text).toBe('[changebridge/config] bad value\n  hint: fix it');
  });

  it('adds the stack with --verbose, and always shows the stack of unexpected errors', () => {
    expect(formatErrorForCli(new UserError('config', 'bad'), { verbose: true })).toContain('at ');
    expect(formatErrorForCli(new TypeError('x is undefined'))).toMatch(
      /TypeError: x is undefined\n\s+at /,
    );
  });

  it('redacts registered secrets', () => {
    registerSecret('cli-canary-42');
    expect(formatErrorForCli(new Error('leaked cli-canary-42'))).not.toContain('cli-canary-42');
  });
});

describe('HttpError', () => {
  it('names method, URL, status and the vendor message, and strips query secrets', () => {
    const e = new HttpError({
      method: 'get',
      url: 'https://gitlab.example.com/api/v4/projects?private_token=glsecret&page=2',
      status: 401,
      statusText: 'Unauthorized',
      vendorMessage: '401 Unauthorized',
    });
    expect(e.message).toBe(
      '[changebridge/http] GET https://gitlab.example.com/api/v4/projects?private_token=[REDACTED]&page=2 returned 401 Unauthorized: 401 Unauthorized',
    );
    expect(e.host).toBe('gitlab.example.com');
    expect(e.path).toBe('/api/v4/projects');
    expect(e.hint).toContain('credentials');
    expect(e.message).not.toContain('glsecret');
  });

  it('describes network failures by code with a hint', () => {
    const e = new HttpError({ method: 'POST', url: 'http://127.0.0.1:9/x', code: 'ECONNREFUSED' });
    expect(e.message).toBe('[changebridge/http] POST http://127.0.0.1:9/x failed: ECONNREFUSED');
    expect(e.hint).toContain('nothing listens at 127.0.0.1:9');
  });

  it('keeps headers and body readable but out of enumeration (so logs skip them)', () => {
    const e = new HttpError({
      method: 'GET',
      url: 'https://x/y',
      status: 500,
      responseHeaders: { 'set-cookie': 'sid=1' },
      body: { huge: true },
    });
    expect(e.responseHeaders).toEqual({ 'set-cookie': 'sid=1' });
    expect(e.body).toEqual({ huge: true });
    expect(Object.keys(e)).not.toContain('responseHeaders');
    expect(Object.keys(e)).not.toContain('body');
    expect(Object.keys(e)).not.toContain('details');
  });

  it('withRetryOutcome tells how many attempts were made and why it stopped', () => {
    const e = new HttpError({ method: 'GET', url: 'https://x/y', status: 503 });
    const once = e.withRetryOutcome(1, 'server asked to wait 3600s');
    expect(once.message).toContain('(not retried: server asked to wait 3600s)');
    const many = e.withRetryOutcome(5, 'retries exhausted');
    expect(many.message).toContain('(gave up after 5 attempts: retries exhausted)');
    expect(many).toMatchObject({ attempts: 5, retryReason: 'retries exhausted', status: 503 });
  });
});

describe('isGoneError', () => {
  it('is true for 404 and 410 answers only', () => {
    const answer = (status?: number) =>
      new HttpError({
        method: 'GET',
        url: 'https://api.github.com/x',
        ...(status ? { status } : {}),
      });
    expect([404, 410].map((s) => isGoneError(answer(s)))).toEqual([true, true]);
    expect([400, 403, 500, undefined].map((s) => isGoneError(answer(s)))).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(isGoneError(new Error('404'))).toBe(false);
  });
});

describe('summariseVendorErrorBody', () => {
  it.each([
    [
      'ServiceNow',
      { error: { message: 'Invalid table', detail: 'foo is not a table' }, status: 'failure' },
      'Invalid table: foo is not a table',
    ],
    [
      'ServiceNow without detail',
      { error: { message: 'No Record found', detail: null } },
      'No Record found',
    ],
    [
      'Jira',
      { errorMessages: ['Issue does not exist'], errors: { summary: 'Summary is required' } },
      'Issue does not exist; summary: Summary is required',
    ],
    [
      'Jira errors only',
      { errorMessages: [], errors: { labels: 'bad label' } },
      'labels: bad label',
    ],
    ['GitHub', { message: 'Not Found', documentation_url: 'https://docs' }, 'Not Found'],
    [
      'GitHub validation',
      {
        message: 'Validation Failed',
        errors: [{ resource: 'Status', field: 'state', code: 'invalid' }],
      },
      'Validation Failed (Status state invalid)',
    ],
    ['GitLab', { message: '404 Project Not Found' }, '404 Project Not Found'],
    [
      'GitLab validation',
      { message: { name: ['is too long', 'is invalid'] } },
      'name: is too long, is invalid',
    ],
    [
      'OAuth',
      { error: 'invalid_grant', error_description: 'token expired' },
      'invalid_grant: token expired',
    ],
    ['JSON text', '{"errorMessages":["JQL invalid"]}', 'JQL invalid'],
    [
      'HTML',
      '<html><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>',
      '502 Bad Gateway nginx',
    ],
  ])('%s', (_name, body, expected) => {
    expect(summariseVendorErrorBody(body)).toBe(expected);
  });

  it('gives undefined for empty bodies and truncates long ones', () => {
    expect(summariseVendorErrorBody('')).toBeUndefined();
    expect(summariseVendorErrorBody(undefined)).toBeUndefined();
    expect(summariseVendorErrorBody({ unrelated: 1 })).toBeUndefined();
    expect(summariseVendorErrorBody('x'.repeat(2000))?.length).toBe(500);
  });
});
