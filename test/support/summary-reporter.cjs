/**
 * Prints the closing lines CI reads: per-database counts (tests whose name carries
 * `[sqlite]` or `[mysql]`), then the plain `N passed, N failed, N skipped` line.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const perDb = {
      sqlite: { passed: 0, failed: 0, skipped: 0 },
      mysql: { passed: 0, failed: 0, skipped: 0 },
    };
    for (const file of results.testResults) {
      for (const t of file.testResults) {
        for (const db of Object.keys(perDb)) {
          if (!t.fullName.includes(`[${db}]`)) continue;
          if (t.status === 'passed') perDb[db].passed++;
          else if (t.status === 'failed') perDb[db].failed++;
          else perDb[db].skipped++;
        }
      }
    }
    const lines = [''];
    for (const [db, c] of Object.entries(perDb)) {
      lines.push(`database ${db}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`);
    }
    if (!process.env.CHANGEBRIDGE_TEST_MYSQL_URL) {
      lines.push(
        '!!! MySQL/MariaDB suites did NOT run: set CHANGEBRIDGE_TEST_MYSQL_URL (see README) !!!',
      );
    }
    const skipped = results.numPendingTests + results.numTodoTests;
    lines.push(
      `${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped`,
    );
    process.stdout.write(lines.join('\n') + '\n');
  }
}
module.exports = SummaryReporter;
