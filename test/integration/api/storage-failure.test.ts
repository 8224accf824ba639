import { createMemoryLogger } from '../../../src/runtime/index.js';
import { createStore } from '../../../src/store/index.js';
import {
  createTestDatabase,
  describeEachDatabase,
  type TestDatabase,
} from '../../support/databases.js';
import { PR_OPENED, githubConnector, githubHeaders, post, startServer } from './support.js';

/** The inbox cannot be written: the sender must get a 5xx (it retries), never a 2xx. */
describeEachDatabase('webhook endpoint when storage fails', (dialect) => {
  let testDb: TestDatabase;
  afterAll(() => testDb?.drop());

  it('→ 503 with Retry-After, an error log with the delivery id and no payload', async () => {
    testDb = await createTestDatabase(dialect);
    const db = await testDb.open();
    const memory = createMemoryLogger({ level: 'info' });
    const server = await startServer({
      store: createStore(db),
      connectors: [githubConnector()],
      logger: memory.logger,
    });
    try {
      await db.close(); // the database goes away under a running server
      const res = await post(
        `${server.url}/webhooks/github`,
        githubHeaders('d-lost', PR_OPENED),
        PR_OPENED,
      );
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(String(res.json.error)).toContain('retry later');
      const logged = memory.lines().find((l) => l.event === 'webhook.store_failed');
      expect(logged).toMatchObject({ level: 'error', system: 'github', deliveryId: 'd-lost' });
      expect(memory.text()).not.toContain('"opened"');
    } finally {
      await server.app.close();
    }
    const reopened = await testDb.open();
    expect((await createStore(reopened).inbox.counts()).pending ?? 0).toBe(0);
    await reopened.close();
  });
});
