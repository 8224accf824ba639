import {
  ManualClock,
  SecretRegistry,
  createLogger,
  createMemoryLogger,
  type LogLevel,
} from '../../../src/runtime/index.js';
import { PassThrough } from 'node:stream';

const CANARY = 'canary-Zq7x9-SECRET-value';

describe('logger redaction (canary)', () => {
  it('never writes a planted secret, whatever path it takes', () => {
    const secrets = new SecretRegistry();
    secrets.register(CANARY);
    const mem = createMemoryLogger({ secrets, level: 'debug' });

    const axiosLike = Object.assign(new Error(`request failed for ${CANARY}`), {
      isAxiosError: true,
      config: { method: 'get', url: '/x', headers: { Authorization: `Bearer ${CANARY}` } },
    });
    const plainAxiosShape = { config: { headers: { authorization: `token ${CANARY}` } } };
    const err = new Error(`boom ${CANARY}`);
    const fields = {
      headers: { Authorization: `Basic ${CANARY}` },
      deep: { list: [{ nested: { token: CANARY } }] },
      url: `https://user:${CANARY}@example.com/path?api_key=${CANARY}`,
      note: `copied secret ${CANARY} into prose`,
      err,
      axiosLike,
      plainAxiosShape,
    };
    const levels: LogLevel[] = ['debug', 'info', 'warn', 'error'];
    const child = mem.logger.child({ connection: 'sn-prod', apiToken: CANARY });
    const grandchild = child.child({ hint: `pw ${CANARY}` });
    for (const logger of [mem.logger, child, grandchild]) {
      for (const level of levels) logger[level](`event.${level}`, fields);
    }
    // An event name carrying the secret is redacted too.
    mem.logger.info(`oops.${CANARY}`);

    const text = mem.text();
    expect(mem.lines()).toHaveLength(13);
    expect(text).not.toContain(CANARY);
    expect(text).not.toContain(encodeURIComponent(CANARY));
    expect(text).toContain('[REDACTED]');
    // The error's stack is logged (redacted), not dropped.
    expect(text).toContain('boom [REDACTED]');
  });

  it('leaves non-secret fields untouched and keeps the caller objects intact', () => {
    const clock = new ManualClock('2026-03-01T10:00:00.000Z');
    const mem = createMemoryLogger({ clock, secrets: new SecretRegistry() });
    const fields = {
      changeKey: 'CHG0030001',
      count: 2,
      nested: { state: 'implement', tags: ['a', 'b'] },
      password: 'not-for-logs',
    };
    mem.logger.child({ deliveryId: 'd-1' }).info('sync.batch_done', fields);
    expect(mem.lines()).toEqual([
      {
        time: '2026-03-01T10:00:00.000Z',
        level: 'info',
        event: 'sync.batch_done',
        deliveryId: 'd-1',
        changeKey: 'CHG0030001',
        count: 2,
        nested: { state: 'implement', tags: ['a', 'b'] },
        password: '[REDACTED]',
      },
    ]);
    expect(fields.password).toBe('not-for-logs');
  });

  it('respects the level and keeps reserved keys from being overwritten', () => {
    const mem = createMemoryLogger({ level: 'warn', secrets: new SecretRegistry() });
    mem.logger.info('dropped');
    mem.logger.debug('dropped');
    mem.logger.warn('kept', { level: 'fake', event: 'fake' });
    expect(mem.logger.isLevelEnabled('info')).toBe(false);
    expect(mem.lines()).toEqual([
      expect.objectContaining({
        level: 'warn',
        event: 'kept',
        'field.level': 'fake',
        'field.event': 'fake',
      }),
    ]);
  });

  it('pretty format is one readable, redacted line', () => {
    const stream = new PassThrough();
    let out = '';
    stream.on('data', (c: Buffer) => (out += c.toString()));
    const clock = new ManualClock('2026-03-01T10:00:00.000Z');
    const logger = createLogger({ format: 'pretty', stream, clock, secrets: new SecretRegistry() });
    logger.info('http.retry', { host: 'api.github.com', waitMs: 1000, token: 'x' });
    expect(out).toBe(
      '2026-03-01T10:00:00.000Z INFO  http.retry host=api.github.com waitMs=1000 token=[REDACTED]\n',
    );
  });

  it('silent writes nothing', () => {
    const mem = createMemoryLogger({ level: 'silent' });
    mem.logger.error('x');
    expect(mem.text()).toBe('');
  });

  it('survives fields whose getters throw', () => {
    const mem = createMemoryLogger({ secrets: new SecretRegistry() });
    const nasty = {
      get boom(): string {
        throw new Error('getter');
      },
    };
    mem.logger.info('odd', { nasty });
    expect(mem.lines()[0]).toMatchObject({ event: 'odd', logError: expect.any(String) });
  });
});
