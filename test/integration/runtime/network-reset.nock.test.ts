import nock from 'nock';
import {
  HttpError,
  createHttpClientFactory,
  createNullLogger,
} from '../../../src/runtime/index.js';

// A reset socket cannot be staged reliably with a real server; nock can.

const BASE = 'https://api.github.example';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

// An Error instance: nock 14 + axios hang (no error event) when given a plain object.
const reset = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

function factory() {
  return createHttpClientFactory({
    defaults: { intervalCap: 0, jitter: 'none', baseBackoffMs: 5 },
    logger: createNullLogger(),
  });
}

describe('network resets (nock)', () => {
  it('a GET is retried after ECONNRESET', async () => {
    const scope = nock(BASE)
      .get('/repos/o/r/pulls/1')
      .replyWithError(reset())
      .get('/repos/o/r/pulls/1')
      .reply(200, { number: 1 });
    const res = await factory().client(BASE).get<{ number: number }>('/repos/o/r/pulls/1');
    expect(res.data.number).toBe(1);
    expect(scope.isDone()).toBe(true);
  });

  it('a POST is not repeated after ECONNRESET: the status may already exist', async () => {
    const scope = nock(BASE)
      .post('/repos/o/r/statuses/abc')
      .replyWithError(reset())
      .post('/repos/o/r/statuses/abc')
      .reply(201, {});
    const err = (await factory()
      .client(BASE)
      .post('/repos/o/r/statuses/abc', { state: 'success' })
      .catch((e: unknown) => e)) as HttpError;
    expect(err).toBeInstanceOf(HttpError);
    expect(err.code).toBe('ECONNRESET');
    expect(err.retryReason).toContain('POST is not idempotent');
    expect(scope.pendingMocks()).toHaveLength(1); // the second reply was never requested
  });
});
