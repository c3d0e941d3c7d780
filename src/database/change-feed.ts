import { randomUUID } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import pg from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import { DATA_DOMAINS, DataVersion, type DataDomain } from './data-version.js';

export const WRITES_CHANNEL = 'wrong_opinions_writes';
const RECONNECT_DELAYS_MS = [100, 500, 1000, 2000, 5000];

/**
 * Cross-instance cache invalidation on PostgreSQL (issue #14). Every write transaction announces the
 * domains it wrote with NOTIFY, inside the transaction, so the announcement goes out exactly when
 * (and only if) it commits. Every instance LISTENs on its own connection and ends the read caches of
 * those domains. While that connection is down, nothing tells this instance what others wrote, so
 * DataVersion is suspended (no cached read is served or kept) until it is listening again; then
 * every cache starts over, since anything may have changed meanwhile. SQLite has one process: there
 * this does nothing (OutsideWrites covers other connections to the file).
 */
@Injectable()
export class ChangeFeed implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ChangeFeed');
  private readonly instanceId = randomUUID();
  private readonly events = new EventEmitter();
  private readonly url: string | null;
  private client: pg.Client | null = null;
  private stopped = false;
  private reconnectTimer: NodeJS.Timeout | undefined;

  constructor(
    dataSource: DataSource,
    private readonly versions: DataVersion,
  ) {
    const { options } = dataSource;
    this.url = options.type === 'postgres' ? (options.url ?? null) : null;
  }

  get enabled(): boolean {
    return this.url !== null;
  }

  /** The listening connection's backend pid (tests terminate it), or null. */
  get listenerPid(): number | null {
    return (this.client as unknown as { processID?: number } | null)?.processID ?? null;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.enabled) return;
    this.versions.suspend();
    await this.listen(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    await this.client?.end().catch(() => undefined);
  }

  /** Called inside a write transaction: the NOTIFY is delivered when, and only if, it commits. */
  async announce(manager: EntityManager, domains: readonly DataDomain[]): Promise<void> {
    // A unit that writes no domain (an export's snapshot, the stats' per-year figures) ends no cache.
    if (!this.enabled || domains.length === 0) return;
    await manager.query('SELECT pg_notify($1, $2)', [
      WRITES_CHANNEL,
      JSON.stringify({ from: this.instanceId, domains }),
    ]);
  }

  /** Resolves at the next announcement from another instance (tests wait on it). */
  async nextChange(): Promise<void> {
    await once(this.events, 'change');
  }

  /** Resolves when the listening connection is next found lost. */
  async nextLoss(): Promise<void> {
    await once(this.events, 'lost');
  }

  /** Resolves once this instance is listening (at once when it is). */
  async listening(): Promise<void> {
    if (this.client === null) await once(this.events, 'listening');
  }

  private async listen(attempt: number): Promise<void> {
    const client = new pg.Client({ connectionString: this.url! });
    client.on('notification', (message) => this.onNotification(message.payload));
    client.on('error', () => this.lost(client, attempt));
    client.on('end', () => this.lost(client, attempt));
    try {
      await client.connect();
      await client.query(`LISTEN ${WRITES_CHANNEL}`);
    } catch (error) {
      this.logger.error(`Cannot listen for other instances' writes: ${String(error)}`);
      this.lost(client, attempt);
      return;
    }
    this.client = client;
    // Whatever was written while nobody listened is unknown: every cache starts over.
    this.versions.resume();
    this.events.emit('listening');
    if (attempt > 0) this.logger.log("Listening again for other instances' writes");
  }

  private lost(client: pg.Client, attempt: number): void {
    if (this.stopped || (this.client !== client && this.client !== null)) return;
    this.client = null;
    this.versions.suspend();
    this.events.emit('lost');
    void client.end().catch(() => undefined);
    const delay = RECONNECT_DELAYS_MS[Math.min(attempt, RECONNECT_DELAYS_MS.length - 1)];
    this.logger.warn(
      `Lost the listening connection; cached reads are off until it is back (retry in ${delay} ms)`,
    );
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.listen(attempt + 1), delay);
    this.reconnectTimer.unref();
  }

  private onNotification(payload: string | undefined): void {
    let domains: DataDomain[] = [...DATA_DOMAINS];
    try {
      const message = JSON.parse(payload ?? '') as { from?: string; domains?: DataDomain[] };
      if (message.from === this.instanceId) return;
      if (Array.isArray(message.domains)) {
        domains = message.domains.filter((domain) => DATA_DOMAINS.includes(domain));
      }
    } catch {
      // A payload we cannot read: end every cache.
    }
    this.versions.advance(domains);
    this.events.emit('change');
  }
}
