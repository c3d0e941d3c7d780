import { DataSource, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { TimestampColumn } from './columns.js';
import { CompiledQuery, isoTimestampReader } from './compiled-query.js';

@Entity({ name: 'stamps' })
class Stamp {
  @PrimaryGeneratedColumn()
  id: number;

  @TimestampColumn('at')
  at: Date;
}

describe(CompiledQuery.name, () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = await new DataSource({
      type: 'better-sqlite3',
      database: ':memory:',
      entities: [Stamp],
    }).initialize();
    await dataSource.query('CREATE TABLE numbers (n INTEGER NOT NULL)');
    await dataSource.query('INSERT INTO numbers (n) VALUES (1), (2), (3), (4), (5), (6)');
  });

  afterAll(async () => {
    await dataSource.destroy();
  });

  it('binds each placeholder to its named parameter, a name used twice included', async () => {
    let builds = 0;
    const query = new CompiledQuery<{ low: number; high: number }, { n: number }>(
      dataSource,
      ['low', 'high'],
      () => {
        builds++;
        return dataSource
          .createQueryBuilder()
          .select('numbers.n', 'n')
          .from('numbers', 'numbers')
          .where('numbers.n BETWEEN :low AND :high')
          .andWhere('numbers.n <> :low + 1')
          .orderBy('numbers.n', 'DESC');
      },
    );

    await expect(query.run({ low: 2, high: 5 })).resolves.toEqual([{ n: 5 }, { n: 4 }, { n: 2 }]);
    await expect(query.run({ high: 3, low: 1 })).resolves.toEqual([{ n: 3 }, { n: 1 }]);
    expect(builds).toBe(1);
  });

  it('refuses a value the builder set itself: every value comes from run', async () => {
    const query = new CompiledQuery<{ low: number }, { n: number }>(dataSource, ['low'], () =>
      dataSource
        .createQueryBuilder()
        .select('numbers.n', 'n')
        .from('numbers', 'numbers')
        .where('numbers.n > :low')
        .andWhere('CAST(numbers.n AS TEXT) <> :text', { text: 'seven' }),
    );

    await expect(query.run({ low: 1 })).rejects.toThrow('a parameter not in low');
  });
});

describe(isoTimestampReader.name, () => {
  it('reads stored timestamps as entity hydration does', async () => {
    const dataSource = await new DataSource({
      type: 'better-sqlite3',
      database: ':memory:',
      entities: [Stamp],
    }).initialize();
    const iso = isoTimestampReader(dataSource, Stamp, 'at');

    expect(iso('2024-01-02 03:04:05.678')).toBe('2024-01-02T03:04:05.678Z');
    expect(iso('2024-01-02 03:04:05')).toBe('2024-01-02T03:04:05.000Z');
    expect(iso('2024-01-02T03:04:05.678+01:00')).toBe('2024-01-02T02:04:05.678Z');
    expect(iso(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678)))).toBe('2024-01-02T03:04:05.678Z');
    await dataSource.destroy();
  });
});
