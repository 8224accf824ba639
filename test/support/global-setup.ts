/** Runs once before all test files: says loudly whether the MySQL suites will run. */
export default function globalSetup(): void {
  const url = process.env.CHANGEBRIDGE_TEST_MYSQL_URL;
  if (!url) {
    const bar = '!'.repeat(78);
    process.stderr.write(
      `\n${bar}\n!!! CHANGEBRIDGE_TEST_MYSQL_URL is not set: every MySQL/MariaDB suite is SKIPPED.\n` +
        `!!! Set it to e.g. mysql://root@127.0.0.1:3306/changebridge_test to run them.\n${bar}\n`,
    );
  }
}
