import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ParallelReads } from './parallel-reads.js';

/** A DataSource on `database` with one table, `notes`, holding `n`. */
async function openNotes(database: string): Promise<DataSource> {
  const dataSource = new DataSource({ type: 'better-sqlite3', database, enableWAL: true });
  await dataSource.initialize();
  await dataSource.query('CREATE TABLE notes (n INTEGER NOT NULL)');
  await dataSource.query('INSERT INTO notes (n) VALUES (1), (2), (3)');
  return dataSource;
}

const SUM = 'SELECT SUM(n) AS total, COUNT(*) AS count FROM notes WHERE n >= ?';

describe(ParallelReads.name, () => {
  const cores = availableParallelism();
  let dir: string;
  let dataSource: DataSource;
  let reads: ParallelReads;

  describe('on a SQLite file', () => {
    beforeEach(async () => {
      dir = mkdtempSync(join(tmpdir(), 'wo-parallel-reads-'));
      dataSource = await openNotes(join(dir, 'notes.db'));
      reads = new ParallelReads(dataSource);
    });

    afterEach(async () => {
      await reads.onApplicationShutdown();
      await dataSource.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    it('answers as the app connection would, with one reader thread per statement at once', async () => {
      const answers = await Promise.all([
        reads.query(SUM, [1]),
        reads.query(SUM, [2]),
        reads.query(SUM, [3]),
      ]);

      expect(answers).toEqual([
        [{ total: 6, count: 3 }],
        [{ total: 5, count: 2 }],
        [{ total: 3, count: 1 }],
      ]);
      // One per core, up to 4; a single core gains nothing from threads and keeps the connection.
      expect(reads.readerThreads).toBe(cores >= 2 ? Math.min(cores, 4, 3) : 0);
    });

    it('sees every commit of the app connection made before the statement', async () => {
      expect(await reads.query(SUM, [0])).toEqual([{ total: 6, count: 3 }]);

      await dataSource.query('INSERT INTO notes (n) VALUES (4)');

      expect(await reads.query(SUM, [0])).toEqual([{ total: 10, count: 4 }]);
    });

    it("rejects a failing statement with SQLite's message and goes on serving", async () => {
      await expect(reads.query('SELECT missing FROM notes', [])).rejects.toThrow(
        'no such column: missing',
      );

      // Only SELECTs (every machine here has 2 cores, so this runs on a thread).
      await expect(reads.query('INSERT INTO notes (n) VALUES (9)', [])).rejects.toThrow(
        'does not return data',
      );
      expect(await reads.query(SUM, [0])).toEqual([{ total: 6, count: 3 }]);
    });

    it('goes through the app connection once shut down, and ends its threads', async () => {
      await reads.query(SUM, [0]);

      await reads.onApplicationShutdown();

      expect(reads.readerThreads).toBe(0);
      expect(await reads.query(SUM, [3])).toEqual([{ total: 3, count: 1 }]);
    });
  });

  it('in memory, where no other connection can read, goes through the app connection', async () => {
    const memory = await openNotes(':memory:');
    const inMemory = new ParallelReads(memory);
    try {
      expect(await Promise.all([inMemory.query(SUM, [1]), inMemory.query(SUM, [3])])).toEqual([
        [{ total: 6, count: 3 }],
        [{ total: 3, count: 1 }],
      ]);
      expect(inMemory.readerThreads).toBe(0);
    } finally {
      await inMemory.onApplicationShutdown();
      await memory.destroy();
    }
  });
});
