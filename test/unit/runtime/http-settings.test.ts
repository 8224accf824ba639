import {
  DEFAULT_HTTP_SETTINGS,
  UserError,
  hostKeyOf,
  resolveHttpSettings,
  validateHttpSettings,
} from '../../../src/runtime/index.js';

describe('http settings', () => {
  it('layers host over defaults over built-in defaults; host:port beats host', () => {
    const config = {
      defaults: { concurrency: 8, maxRetries: 2 },
      hosts: {
        'api.github.com': { concurrency: 2 },
        '127.0.0.1': { intervalCap: 5 },
        '127.0.0.1:8080': { intervalCap: 1, timeoutMs: undefined },
      },
    };
    expect(resolveHttpSettings(config, 'api.github.com')).toEqual({
      ...DEFAULT_HTTP_SETTINGS,
      concurrency: 2,
      maxRetries: 2,
    });
    expect(resolveHttpSettings(config, '127.0.0.1:8080').intervalCap).toBe(1);
    expect(resolveHttpSettings(config, '127.0.0.1:8080').timeoutMs).toBe(
      DEFAULT_HTTP_SETTINGS.timeoutMs,
    );
    expect(resolveHttpSettings(config, '127.0.0.1:9090').intervalCap).toBe(5);
    expect(resolveHttpSettings(config, 'other.example').concurrency).toBe(8);
  });

  it('rejects bad values naming the config path and the fix', () => {
    const bad = () => validateHttpSettings({ hosts: { 'api.github.com': { concurrency: 0 } } });
    expect(bad).toThrow(UserError);
    expect(bad).toThrow('[changebridge/http] http.hosts["api.github.com"].concurrency is 0');
    try {
      bad();
    } catch (e) {
      expect((e as UserError).hint).toBe('set it to a whole number ≥ 1.');
    }
    expect(() => validateHttpSettings({ defaults: { maxRetries: 1.5 } })).toThrow(
      'http.defaults.maxRetries is 1.5',
    );
    expect(() => validateHttpSettings({ defaults: { jitter: 'some' as 'full' } })).toThrow(
      'http.defaults.jitter is "some"',
    );
    expect(() =>
      validateHttpSettings({ defaults: { concurency: 2 } as unknown as { concurrency: number } }),
    ).toThrow('http.defaults.concurency is not a known HTTP setting');
  });

  it('hostKeyOf takes URLs and bare hosts alike', () => {
    expect(hostKeyOf('https://API.GitHub.com/repos?x=1')).toBe('api.github.com');
    expect(hostKeyOf('http://127.0.0.1:8080/x')).toBe('127.0.0.1:8080');
    expect(hostKeyOf('localhost:8080')).toBe('localhost:8080');
    expect(hostKeyOf('api.github.com')).toBe('api.github.com');
  });
});
