import { cronProblem } from '../../../src/config/index.js';
import { didYouMean, levenshtein } from '../../../src/util/did-you-mean.js';
import { dotted } from '../../../src/config/paths.js';
import { isSecretPath, suggestEnvName } from '../../../src/config/secrets.js';

describe('cronProblem', () => {
  it.each([
    '*/5 * * * *',
    '0 * * * *',
    '0 3 * * *',
    '30 */10 * * * *',
    '0 9-17/2 * * mon-fri',
    '0 0 1,15 jan,jul 0',
    '0 0 * * 7',
    '0 0 ? * *',
  ])('accepts %s', (expression) => {
    expect(cronProblem(expression)).toBeUndefined();
  });

  it.each([
    ['* * * *', 'it has 4 fields'],
    ['* * * * * * *', 'it has 7 fields'],
    ['60 * * * *', 'minute "60" is not within 0-59'],
    ['* 24 * * *', 'hour "24" is not within 0-23'],
    ['* * 0 * *', 'day of month "0" is not within 1-31'],
    ['* * * 13 *', 'month "13" is not within 1-12 or jan-dec'],
    ['* * * * funday', 'day of week "funday" is not within 0-7 or sun-sat'],
    ['*/0 * * * *', 'minute step "0" is not a positive number'],
    ['5/10 * * * *', 'minute "5/10" needs "*" or a range before the step ("*/10" or "a-b/10")'],
    ['10-5 * * * *', 'minute range "10-5" runs backwards'],
    ['1-2-3 * * * *', 'minute "1-2-3" is not a value or a range'],
    ['*/2/3 * * * *', 'minute "*/2/3" has more than one "/"'],
  ])('rejects %s', (expression, problem) => {
    expect(cronProblem(expression)).toBe(problem);
  });
});

describe('didYouMean', () => {
  it('finds close sibling keys, case-insensitively', () => {
    expect(didYouMean('prot', ['host', 'port', 'bodyLimitBytes'])).toBe('port');
    expect(didYouMean('baseurl', ['name', 'baseUrl', 'auth'])).toBe('baseUrl');
    expect(didYouMean('apiTokn', ['type', 'email', 'apiToken'])).toBe('apiToken');
  });

  it('stays quiet when nothing is close', () => {
    expect(didYouMean('zzzzzz', ['host', 'port'])).toBeUndefined();
    expect(didYouMean('db', ['tenants', 'server'])).toBeUndefined();
  });

  it('computes edit distance', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('', 'abc')).toBe(3);
    expect(levenshtein('same', 'same')).toBe(0);
  });
});

describe('secret paths', () => {
  it('knows which fields hold secrets', () => {
    expect(isSecretPath(['connections', 'jira', 'auth', 'apiToken'])).toBe(true);
    expect(isSecretPath(['connections', 'github', 'webhook', 'secrets', 1])).toBe(true);
    expect(isSecretPath(['connections', 'jira', 'auth', 'email'])).toBe(false);
    expect(isSecretPath(['connections', 'servicenow', 'auth', 'username'])).toBe(false);
    expect(isSecretPath(['database', 'url'])).toBe(false);
  });

  it('suggests conventional variable names', () => {
    expect(suggestEnvName(['connections', 'servicenow', 'auth', 'clientSecret'])).toBe(
      'SERVICENOW_CLIENT_SECRET',
    );
    expect(suggestEnvName(['connections', 'gitlab', 'webhook', 'signingToken'])).toBe(
      'GITLAB_WEBHOOK_SIGNING_TOKEN',
    );
    expect(suggestEnvName(['connections', 'github', 'webhook', 'secrets', 1])).toBe(
      'GITHUB_WEBHOOK_SECRET_2',
    );
  });

  it('writes paths the way the messages do', () => {
    expect(dotted(['http', 'hosts', 'api.github.com', 'timeoutMs'])).toBe(
      'http.hosts["api.github.com"].timeoutMs',
    );
    expect(dotted(['connections', 'jira', 'projects', 0])).toBe('connections.jira.projects[0]');
  });
});
