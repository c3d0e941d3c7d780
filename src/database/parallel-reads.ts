import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { READ_ONLY_SQLITE_OPTIONS, sqliteFileOf } from './sqlite-connection.js';

/** What a SELECT binds: the query builder's parameters, escaped for the driver. */
export type ReadParameter = string | number | null;

/**
 * The reader threads SQLite gets at most: each is one core's worth of SELECTs (a pass over the
 * history at 10,000 weeks takes 10–70 ms of CPU), and more threads than cores only queue.
 */
const MAX_SQLITE_READERS = 4;

/**
 * Runs independent SELECTs side by side, so that a reply made of several heavy aggregates (the
 * stats, opinions.md §2.3) takes about as long as its slowest share rather than the sum of all:
 * - SQLite file: better-sqlite3 runs a statement on the thread that calls it, so the app's one
 *   connection takes them one after the other. Here each runs on a pool of read-only connections,
 *   one per worker thread (the overview's ten statements at 10,000 weeks: 254 ms one after the
 *   other, 105–115 ms on two threads, on two cores; README "Stats performance"). WAL lets them
 *   read beside the app's writer; each statement sees the last commit, as on the app's connection.
 * - SQLite in memory (tests) has no other connection, and PostgreSQL already runs the statements of
 *   one Promise.all on several pooled connections: both go through the DataSource.
 *
 * Hand-made rather than piscina: a piscina task is a module loaded from a file, and this one must
 * run both from the TypeScript sources (Jest) and from dist/, so the worker's body is the function
 * `readerThread` below, passed to the thread as source.
 */
@Injectable()
export class ParallelReads implements OnApplicationShutdown {
  private readonly logger = new Logger(ParallelReads.name);
  private readonly file: string | null;
  private readonly size: number;
  private readonly readers = new Set<Reader>();
  private readonly idle: Reader[] = [];
  private readonly waiting: Task[] = [];
  private closed = false;

  constructor(private readonly dataSource: DataSource) {
    this.file = sqliteFileOf(dataSource);
    this.size = Math.min(MAX_SQLITE_READERS, availableParallelism());
  }

  /** The rows of one SELECT in the driver's dialect, as objects keyed by the SELECT's aliases. */
  query<R>(sql: string, parameters: readonly ReadParameter[]): Promise<R[]> {
    if (this.file === null || this.size < 2 || this.closed) {
      return this.dataSource.query<R[]>(sql, [...parameters]);
    }
    // Logged as the DataSource logs its own, so statement counts cover both paths.
    this.dataSource.logger.logQuery(sql, [...parameters]);
    return new Promise<unknown[]>((resolve, reject) => {
      this.waiting.push({ sql, parameters, resolve, reject });
      this.dispatch();
    }) as Promise<R[]>;
  }

  /** The reader threads running now: started on demand, at most one per core (up to 4). */
  get readerThreads(): number {
    return this.readers.size;
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.readers].map((reader) => reader.worker.terminate()));
  }

  /** Hands waiting statements to idle readers, starting readers (up to the pool's size) lazily. */
  private dispatch(): void {
    while (this.waiting.length > 0) {
      const reader =
        this.idle.pop() ?? (this.readers.size < this.size ? this.startReader() : undefined);
      if (!reader) return;
      const task = this.waiting.shift()!;
      reader.task = task;
      // A reader at work keeps the process alive, as the app's connection would; an idle one not.
      reader.worker.ref();
      reader.worker.postMessage({ sql: task.sql, parameters: task.parameters });
    }
  }

  private startReader(): Reader {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(`(${readerThread.toString()})()`, {
      eval: true,
      workerData: { driver, file: this.file, options: READ_ONLY_SQLITE_OPTIONS },
    });
    const reader: Reader = { worker, task: null };
    this.readers.add(reader);
    worker.on('message', (reply: ReaderReply) => {
      const task = reader.task;
      reader.task = null;
      worker.unref();
      this.idle.push(reader);
      if (task) {
        if ('rows' in reply) task.resolve(reply.rows);
        else task.reject(Object.assign(new Error(reply.message), { code: reply.code }));
      }
      this.dispatch();
    });
    // A reader that dies (out of memory, a bug) fails its statement and gives its place to a new one.
    worker.once('error', (error) => {
      this.logger.error(`SQLite reader thread failed: ${error.message}`);
      reader.task?.reject(error);
      reader.task = null;
    });
    worker.once('exit', () => {
      this.readers.delete(reader);
      const index = this.idle.indexOf(reader);
      if (index >= 0) this.idle.splice(index, 1);
      reader.task?.reject(new Error('SQLite reader thread exited'));
      if (!this.closed) this.dispatch();
    });
    return reader;
  }
}

interface Task {
  sql: string;
  parameters: readonly ReadParameter[];
  resolve: (rows: unknown[]) => void;
  reject: (error: Error) => void;
}

interface Reader {
  worker: Worker;
  task: Task | null;
}

type ReaderReply = { rows: unknown[] } | { message: string; code: string | undefined };

/**
 * The body of a reader thread, sent to it as source (so it closes over nothing and requires what
 * it needs; coverage instrumentation would break it, and the test suite collects none): one
 * read-only connection, its prepared statements kept by SQL text (the callers' SQL is a fixed set,
 * written by the query builder), one statement at a time.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- runs as a CommonJS worker script */
function readerThread(): void {
  const { parentPort, workerData } =
    require('node:worker_threads') as typeof import('node:worker_threads');
  const { driver, file, options } = workerData as { driver: string; file: string; options: object };
  type Statement = { all(...parameters: unknown[]): unknown[] };
  const Database = require(driver) as new (
    file: string,
    options: object,
  ) => { prepare(sql: string): Statement };
  const connection = new Database(file, options);
  // Bounded as TypeORM bounds the app connection's: 100 statements, here simply started over.
  const statements = new Map<string, Statement>();
  parentPort!.on('message', ({ sql, parameters }: { sql: string; parameters: unknown[] }) => {
    try {
      let statement = statements.get(sql);
      if (!statement) {
        if (statements.size >= 100) statements.clear();
        statements.set(sql, (statement = connection.prepare(sql)));
      }
      parentPort!.postMessage({ rows: statement.all(...parameters) });
    } catch (error) {
      const { message, code } = error as { message: string; code?: string };
      parentPort!.postMessage({ message, code });
    }
  });
}
/* eslint-enable @typescript-eslint/no-require-imports */
