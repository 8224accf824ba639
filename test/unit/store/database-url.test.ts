import { databaseUrlProblem, maskDatabaseUrl, parseDatabaseUrl } from '../../../src/store/index.js';

describe('parseDatabaseUrl', () => {
  it('reads the SQLite and MySQL forms', () => {
    expect(parseDatabaseUrl('sqlite:./data/changebridge.db')).toEqual({
      dialect: 'sqlite',
      path: './data/changebridge.db',
    });
    expect(parseDatabaseUrl('sqlite::memory:')).toEqual({ dialect: 'sqlite', path: ':memory:' });
    expect(parseDatabaseUrl('sqlite:///var/lib/cb.db')).toEqual({
      dialect: 'sqlite',
      path: '/var/lib/cb.db',
    });
    expect(parseDatabaseUrl('mariadb://cb:p%40ss@db.example.internal/cb')).toEqual({
      dialect: 'mysql',
      host: 'db.example.internal',
      port: 3306,
      user: 'cb',
      password: 'p@ss',
      database: 'cb',
    });
  });

  it('throws with the password masked and the accepted forms named', () => {
    expect(() => parseDatabaseUrl('mysql://:secret@h/db')).toThrow(
      '[changebridge/store] database.url "mysql://:****@h/db" has no user name (expected sqlite:<path> or mysql://user@host:port/db)',
    );
  });

  it('explains each unusable form', () => {
    expect(databaseUrlProblem('postgres://u@h/db')).toBe('has unsupported scheme "postgres:"');
    expect(databaseUrlProblem('mysql://u@h/')).toBe('has no database name');
    expect(databaseUrlProblem('mysql://u@h/db?ssl=1')).toBe(
      'has query parameters, which are not supported',
    );
    expect(databaseUrlProblem('mysql://u@h/my-db')).toMatch(/characters other than letters/);
    expect(databaseUrlProblem('sqlite:')).toBe('has no file path');
    expect(databaseUrlProblem('just-a-path.db')).toBe('is not a database URL');
  });

  it('masks passwords for messages', () => {
    expect(maskDatabaseUrl('mysql://cb:hunter2@db:3306/cb')).toBe('mysql://cb:****@db:3306/cb');
    expect(maskDatabaseUrl('sqlite:./x.db')).toBe('sqlite:./x.db');
  });
});
