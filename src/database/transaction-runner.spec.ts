import type { DataSource, EntityManager } from 'typeorm';
import { ChangeFeed } from './change-feed.js';
import { DataVersion } from './data-version.js';
import { TransactionRunner } from './transaction-runner.js';

/** A DataSource whose transactions just run the work; the runner's bookkeeping is what is tested. */
function fakeDataSource(): DataSource {
  return {
    options: { type: 'better-sqlite3' },
    transaction: <T>(work: (manager: EntityManager) => Promise<T>) => work({} as EntityManager),
  } as unknown as DataSource;
}

describe(TransactionRunner.name, () => {
  it('moves the version of the domains a unit wrote, and of no other', async () => {
    const version = new DataVersion();
    const runner = new TransactionRunner(
      fakeDataSource(),
      version,
      new ChangeFeed(fakeDataSource(), version),
    );
    const before = {
      users: version.of(['users']),
      tokens: version.of(['tokens']),
      weeks: version.of(['weeks']),
      catalog: version.of(['catalog']),
    };

    await runner.run(['weeks'], () => Promise.resolve());

    expect(version.of(['weeks'])).not.toBe(before.weeks);
    expect(version.of(['users'])).toBe(before.users);
    expect(version.of(['tokens'])).toBe(before.tokens);
    expect(version.of(['catalog'])).toBe(before.catalog);
  });

  it('moves it after a unit that failed too, once it has ended', async () => {
    const version = new DataVersion();
    const runner = new TransactionRunner(
      fakeDataSource(),
      version,
      new ChangeFeed(fakeDataSource(), version),
    );
    const before = version.of(['tokens']);
    let during: number | undefined;

    await expect(
      runner.run(['tokens'], () => {
        during = version.of(['tokens']);
        return Promise.reject(new Error('rolled back'));
      }),
    ).rejects.toThrow('rolled back');

    expect(during).toBe(before);
    expect(version.of(['tokens'])).not.toBe(before);
  });
});
