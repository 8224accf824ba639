import { AxiosError, AxiosHeaders } from 'axios';
import {
  HttpError,
  RetryableError,
  lowerCaseHeaders,
  toFailureInfo,
} from '../../../src/runtime/index.js';

function axiosError(status: number | undefined, code?: string): AxiosError {
  const config = { method: 'post', url: '/x', headers: new AxiosHeaders() };
  const response =
    status === undefined
      ? undefined
      : {
          status,
          statusText: '',
          headers: new AxiosHeaders({ 'Retry-After': '3', 'X-RateLimit-Remaining': '0' }),
          config,
          data: { message: 'You have exceeded a secondary rate limit' },
        };
  return new AxiosError('boom', code, config, undefined, response);
}

describe('toFailureInfo', () => {
  it('reads our HttpError', () => {
    const e = new HttpError({
      method: 'get',
      url: 'https://h/x',
      status: 429,
      responseHeaders: { 'Retry-After': '2' },
      vendorMessage: 'slow down',
    });
    expect(toFailureInfo(e, { method: 'GET' })).toEqual({
      method: 'GET',
      status: 429,
      headers: { 'retry-after': '2' },
      code: undefined,
      message: 'slow down',
      idempotent: undefined,
    });
  });

  it('reads an axios error with a response (third-party clients)', () => {
    const info = toFailureInfo(axiosError(403), { method: 'GET' });
    expect(info).toMatchObject({
      method: 'POST',
      status: 403,
      headers: { 'retry-after': '3', 'x-ratelimit-remaining': '0' },
      message: 'You have exceeded a secondary rate limit',
    });
    expect(info.code).toBeUndefined();
  });

  it('reads an axios network error code', () => {
    expect(toFailureInfo(axiosError(undefined, 'ECONNRESET'), { method: 'GET' })).toMatchObject({
      status: undefined,
      code: 'ECONNRESET',
    });
  });

  it('finds an axios error wrapped in cause (jira.js HttpException)', () => {
    const wrapped = new Error('Jira failed', { cause: axiosError(429) });
    expect(toFailureInfo(wrapped, { method: 'GET' }).status).toBe(429);
  });

  it('reads Node system errors and plain status-bearing objects', () => {
    const sys = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(toFailureInfo(sys, { method: 'get' })).toMatchObject({
      method: 'GET',
      code: 'ECONNREFUSED',
    });
    expect(toFailureInfo({ status: 502 }, { method: 'GET' }).status).toBe(502);
  });

  it('marks a RetryableError as a requested retry, keeping its wait', () => {
    const e = new RetryableError('servicenow', 'batch had unserviced requests', { waitMs: 500 });
    expect(toFailureInfo(e, { method: 'POST', idempotent: true })).toMatchObject({
      method: 'POST',
      idempotent: true,
      requestedRetry: { waitMs: 500 },
    });
  });

  it('carries the caller idempotency override', () => {
    expect(toFailureInfo(new Error('x'), { method: 'POST', idempotent: true }).idempotent).toBe(
      true,
    );
  });
});

describe('lowerCaseHeaders', () => {
  it('flattens plain objects, AxiosHeaders, fetch Headers and arrays', () => {
    expect(lowerCaseHeaders({ 'Set-Cookie': ['a=1', 'b=2'], X: 1, Y: undefined })).toEqual({
      'set-cookie': 'a=1, b=2',
      x: '1',
    });
    expect(lowerCaseHeaders(new AxiosHeaders({ 'Retry-After': '1' }))).toEqual({
      'retry-after': '1',
    });
    expect(lowerCaseHeaders(new Headers({ 'RateLimit-Reset': '9' }))).toEqual({
      'ratelimit-reset': '9',
    });
    expect(lowerCaseHeaders(undefined)).toEqual({});
  });
});
