import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, Repository } from 'typeorm';
import { AlbumArtist } from '../albums/entities/album-artist.entity.js';
import { Album } from '../albums/entities/album.entity.js';
import { Artist } from '../albums/entities/artist.entity.js';
import { CatalogCache } from '../cache/catalog-cache.js';
import { MusicBrainzClient } from '../catalog/musicbrainz/musicbrainz.client.js';
import type { QueueBudget } from '../catalog/upstream/queue-budget.js';
import { UpstreamError } from '../catalog/upstream/upstream-error.js';
import { Clock } from '../common/clock.js';
import { TransactionRunner } from '../database/transaction-runner.js';
import { WeekAlbum } from '../weeks/entities/week-album.entity.js';
import { ArtistReleaseGroups } from './entities/artist-release-groups.entity.js';
import type { Recommended } from './movie-recommendations.service.js';
import { rankReleaseGroups, type RankedReleaseGroup } from './scoring.js';
import { topSeeds, type Seed } from './seeds.js';

interface SeedArtist {
  id: number;
  musicbrainzId: string;
  weightHundredths: number;
}

/**
 * GET /api/recommendations/albums (recommendations.md §3). Each seed artist's release groups are
 * stored and read through (CATALOG_TTL, stale on failure, one flight per artist). Browsing goes
 * through the one MusicBrainz queue, one artist after another (so other members' searches keep
 * their place in it), heaviest artist first, missing artists before stale ones, for as long as the
 * request's MUSICBRAINZ_MAX_WAIT of queue waiting lasts. Seed albums with an artist still unknown
 * count as pending; a later request fetches it. Never a 429 or 5xx because of them. With every
 * list stored: four queries and no upstream call.
 */
@Injectable()
export class AlbumRecommendationsService {
  private readonly logger = new Logger(AlbumRecommendationsService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly musicbrainz: MusicBrainzClient,
    private readonly cache: CatalogCache,
    private readonly transactions: TransactionRunner,
    private readonly clock: Clock,
    @InjectRepository(ArtistReleaseGroups)
    private readonly lists: Repository<ArtistReleaseGroups>,
  ) {}

  async recommend(limit: number): Promise<Recommended<RankedReleaseGroup>> {
    const seeds = await topSeeds(this.dataSource, 'album');
    if (seeds.length === 0) return { results: [], seeds: 0, pendingSeeds: 0 };
    const [credits, picked] = await Promise.all([
      this.creditedArtists(seeds),
      this.pickedReleaseGroupIds(),
    ]);
    const artists = seedArtists(seeds, credits);
    const stored = await this.lists.findBy({ artistId: In(artists.map((artist) => artist.id)) });
    const listOf = new Map(stored.map((list) => [list.artistId, list]));

    const missing = artists.filter((artist) => !listOf.has(artist.id));
    const stale = artists.filter(
      (artist) => listOf.has(artist.id) && !this.cache.isFresh(listOf.get(artist.id)!.cachedAt),
    );
    if (missing.length + stale.length > 0) {
      const budget = this.musicbrainz.queueBudget();
      for (const artist of [...missing, ...stale]) {
        const list = await this.refreshed(artist, listOf.get(artist.id) ?? null, budget);
        if (list) listOf.set(artist.id, list);
      }
    }

    const byMbid = new Map(artists.map((artist) => [artist.musicbrainzId, artist.id]));
    const artistsOf = (seed: Seed) => (credits.get(seed.id) ?? []).map((a) => a.musicbrainzId);
    return {
      results: rankReleaseGroups(
        seeds,
        artistsOf,
        (mbid) => listOf.get(byMbid.get(mbid)!)?.releaseGroups,
        picked,
        limit,
      ),
      seeds: seeds.length,
      pendingSeeds: seeds.filter((seed) =>
        (credits.get(seed.id) ?? []).some((artist) => !listOf.has(artist.id)),
      ).length,
    };
  }

  /**
   * The artist's list browsed and stored, or the stored one when MusicBrainz fails or the budget is
   * spent (however old), or null when there is neither.
   */
  private async refreshed(
    artist: SeedArtist,
    stored: ArtistReleaseGroups | null,
    budget: QueueBudget,
  ): Promise<ArtistReleaseGroups | null> {
    try {
      const { value } = await this.cache.readThrough({
        key: `mb-artist-release-groups:${artist.musicbrainzId}`,
        stored: () => Promise.resolve(stored),
        fetchedAt: (list) => list.cachedAt,
        fetch: () => this.fetchList(artist, budget),
      });
      return value;
    } catch (error) {
      if (!(error instanceof UpstreamError)) throw error;
      this.logger.warn(
        `Release groups of artist ${artist.musicbrainzId} pending: ${error.failure}`,
      );
      return null;
    }
  }

  private async fetchList(artist: SeedArtist, budget: QueueBudget): Promise<ArtistReleaseGroups> {
    const list = {
      artistId: artist.id,
      releaseGroups: await this.musicbrainz.browseReleaseGroups(artist.musicbrainzId, budget),
      cachedAt: this.clock.now(),
    };
    await this.transactions.run(['catalog'], (manager) =>
      manager.upsert(ArtistReleaseGroups, list, ['artistId']),
    );
    return list;
  }

  /** Each seed album's credited artists (our id and MBID), in one query. */
  private async creditedArtists(
    seeds: Seed[],
  ): Promise<Map<number, { id: number; musicbrainzId: string }[]>> {
    const rows = await this.dataSource
      .createQueryBuilder()
      .select('credit.album_id', 'album_id')
      .addSelect('artist.id', 'artist_id')
      .addSelect('artist.musicbrainz_id', 'musicbrainz_id')
      .from(AlbumArtist, 'credit')
      .innerJoin(Artist, 'artist', 'artist.id = credit.artist_id')
      .where('credit.album_id IN (:...albumIds)', { albumIds: seeds.map((seed) => seed.id) })
      .orderBy('credit.album_id')
      .addOrderBy('credit.credit_order')
      .getRawMany<{
        album_id: number | string;
        artist_id: number | string;
        musicbrainz_id: string;
      }>();
    const credits = new Map<number, { id: number; musicbrainzId: string }[]>();
    for (const row of rows) {
      const albumId = Number(row.album_id);
      credits.set(albumId, [
        ...(credits.get(albumId) ?? []),
        { id: Number(row.artist_id), musicbrainzId: row.musicbrainz_id },
      ]);
    }
    return credits;
  }

  /** The release groups of every album in a week now. */
  private async pickedReleaseGroupIds(): Promise<Set<string>> {
    const rows = await this.dataSource
      .createQueryBuilder()
      .select('DISTINCT album.release_group_id', 'release_group_id')
      .from(WeekAlbum, 'pick')
      .innerJoin(Album, 'album', 'album.id = pick.album_id')
      .where('album.release_group_id IS NOT NULL')
      .getRawMany<{ release_group_id: string }>();
    return new Set(rows.map((row) => row.release_group_id));
  }
}

/** Every credited artist of the seeds once, heaviest first (an artist weighs its seeds' weights). */
function seedArtists(
  seeds: Seed[],
  credits: Map<number, { id: number; musicbrainzId: string }[]>,
): SeedArtist[] {
  const artists = new Map<number, SeedArtist>();
  for (const seed of seeds) {
    for (const { id, musicbrainzId } of new Map(
      (credits.get(seed.id) ?? []).map((a) => [a.id, a]),
    ).values()) {
      const artist = artists.get(id) ?? { id, musicbrainzId, weightHundredths: 0 };
      artist.weightHundredths += seed.weightHundredths;
      artists.set(id, artist);
    }
  }
  return [...artists.values()].sort(
    (a, b) => b.weightHundredths - a.weightHundredths || a.id - b.id,
  );
}
