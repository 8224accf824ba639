import { createMetrics, pendingDepth } from '../../../src/report/index.js';

/** The metric names and labels are an interface: dashboards and alerts depend on them. */
describe('createMetrics', () => {
  it('exposes every changebridge metric with its labels, and default process metrics', async () => {
    const m = createMetrics();
    m.eventsReceived('jira', 'accepted', 2);
    m.eventsReceived('jira', 'duplicate', 0); // zero adds nothing
    m.eventsReceived('servicenow', 'rejected');
    m.eventProcessed('jira', 'applied');
    m.eventDeadLettered('github');
    m.setStreamLag('sn', 'change_request', 12.5);
    m.setStreamLag('sn', 'sysapproval_approver', -3); // clock skew never shows as negative lag
    const text = await m.registry.metrics();
    expect(text).toContain(
      'changebridge_events_received_total{system="jira",outcome="accepted"} 2',
    );
    expect(text).not.toContain('outcome="duplicate"');
    expect(text).toContain(
      'changebridge_events_received_total{system="servicenow",outcome="rejected"} 1',
    );
    expect(text).toContain('changebridge_events_processed_total{system="jira",result="applied"} 1');
    expect(text).toContain('changebridge_events_dead_lettered_total{system="github"} 1');
    expect(text).toContain(
      'changebridge_stream_lag_seconds{connection="sn",stream="change_request"} 12.5',
    );
    expect(text).toContain(
      'changebridge_stream_lag_seconds{connection="sn",stream="sysapproval_approver"} 0',
    );
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  it('counts outgoing attempts by host and status, and 429s separately', async () => {
    const m = createMetrics({ defaultMetrics: false });
    const attempt = { type: 'attempt', host: 'api.github.com', method: 'GET', durationMs: 5 };
    m.onHttpMetric({ ...attempt, type: 'attempt', ok: true, status: 200 });
    m.onHttpMetric({ ...attempt, type: 'attempt', ok: false, status: 429 });
    m.onHttpMetric({ ...attempt, type: 'attempt', ok: false, code: 'ECONNRESET' });
    m.onHttpMetric({
      type: 'retry',
      host: 'api.github.com',
      method: 'GET',
      attempt: 1,
      waitMs: 10,
      hostWide: true,
      reason: 'rate limited',
    });
    const text = await m.registry.metrics();
    expect(text).toContain(
      'changebridge_http_requests_total{host="api.github.com",status="200"} 1',
    );
    expect(text).toContain(
      'changebridge_http_requests_total{host="api.github.com",status="429"} 1',
    );
    expect(text).toContain(
      'changebridge_http_requests_total{host="api.github.com",status="ECONNRESET"} 1',
    );
    expect(text).toContain('changebridge_http_rate_limited_total{host="api.github.com"} 1');
    expect(text).not.toContain('process_cpu');
  });

  it('refreshDepths sets the depth gauges from pending + processing rows only', async () => {
    const m = createMetrics({ defaultMetrics: false });
    await m.refreshDepths({
      inbox: { counts: async () => ({ pending: 3, processing: 2, done: 40, dead: 1 }) },
      outbox: { counts: async () => ({ done: 7 }) },
    });
    const text = await m.registry.metrics();
    expect(text).toContain('changebridge_inbox_depth 5');
    expect(text).toContain('changebridge_outbox_depth 0');
  });

  it('two registries in one process do not collide', async () => {
    const a = createMetrics({ defaultMetrics: false });
    const b = createMetrics({ defaultMetrics: false });
    a.eventDeadLettered('jira');
    expect(await b.registry.metrics()).not.toContain('system="jira"');
    expect(pendingDepth({ ignored: 4 })).toBe(0);
  });
});
