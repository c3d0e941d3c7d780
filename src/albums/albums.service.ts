import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, Repository, type EntityManager } from 'typeorm';
import { Clock } from '../common/clock.js';
import { insertChunked } from '../database/insert-chunked.js';
import { isoTimestampReader } from '../database/compiled-query.js';
import { SelectedItems, type SelectedItemsPage } from '../database/selected-items.js';
import { StatsYears } from '../database/stats-years.js';
import { TransactionRunner } from '../database/transaction-runner.js';
import { CatalogCache, type Cached } from '../cache/catalog-cache.js';
import type {
  AlbumData,
  AlbumSearchPage,
  ArtistCreditData,
  CoverArtSource,
} from '../catalog/catalog.types.js';
import { CoverArtClient, type CoverArtAnswer } from '../catalog/cover-art/cover-art.client.js';
import { AlbumAlias } from './entities/album-alias.entity.js';
import { AlbumArtist } from './entities/album-artist.entity.js';
import { Album } from './entities/album.entity.js';
import { Artist } from './entities/artist.entity.js';
import { MusicBrainzClient } from '../catalog/musicbrainz/musicbrainz.client.js';
import { CatalogUrls } from '../catalog/catalog-urls.js';
import { albumRefOfRow, selectAlbumRef, type AlbumRefRow } from './dto/album-ref-row.js';
import type { AlbumRefDto } from './dto/album-responses.dto.js';

/** Details, credits and add-to-week of one release share one lookup (upstream.md §1). */
const releaseKey = (mbid: string) => `mb-release:${mbid}`;

/** Albums as stored: one MusicBrainz lookup stores the album with all its artist credits. */
@Injectable()
export class AlbumsService {
  /** Picks name their album by id; the selections listing walks them from the album side. */
  private readonly selected: SelectedItems<AlbumRefRow, AlbumRefDto>;

  constructor(
    private readonly musicbrainz: MusicBrainzClient,
    private readonly coverArt: CoverArtClient,
    private readonly cache: CatalogCache,
    private readonly transactions: TransactionRunner,
    dataSource: DataSource,
    private readonly clock: Clock,
    @InjectRepository(Album) private readonly albums: Repository<Album>,
    @InjectRepository(AlbumAlias) private readonly aliases: Repository<AlbumAlias>,
    @InjectRepository(AlbumArtist) private readonly albumArtists: Repository<AlbumArtist>,
    urls: CatalogUrls,
  ) {
    const cachedAt = isoTimestampReader(dataSource, Album, 'cachedAt');
    this.selected = new SelectedItems(dataSource, {
      kind: 'album',
      itemEntity: Album,
      selectItem: selectAlbumRef,
      toRef: (row) => albumRefOfRow(row, urls, cachedAt),
    });
  }

  /** Cover art is checked per result, at release level only, in parallel (upstream.md §4.2). */
  async search(query: string, limit: number, offset: number): Promise<AlbumSearchPage> {
    const { count, results } = await this.musicbrainz.searchReleases(query, limit, offset);
    const covers = await Promise.all(
      results.map((result) => this.coverArt.check('release', result.musicbrainzId)),
    );
    return {
      count,
      offset,
      results: results.map((result, i) => ({ ...result, hasCoverArt: covers[i] === 'exists' })),
    };
  }

  /** Every album picked in some week, with its weeks (contract §10). */
  selections(page: number, pageSize: number): Promise<SelectedItemsPage<AlbumRefDto>> {
    return this.selected.page(page, pageSize);
  }

  details(mbid: string): Promise<Cached<Album>> {
    return this.cache.readThrough({
      key: releaseKey(mbid),
      stored: () => this.findStored(mbid),
      fetchedAt: (album) => album.cachedAt,
      fetch: () => this.fetchAlbum(mbid),
    });
  }

  async credits(mbid: string, limit: number): Promise<Cached<AlbumArtist[]>> {
    const { value: album, cached } = await this.details(mbid);
    const credits = await this.albumArtists.find({
      where: { albumId: album.id },
      relations: { artist: true },
      order: { creditOrder: 'ASC' },
      take: limit,
    });
    return { value: credits, cached };
  }

  /** The stored album (by id or merged alias) however old, else fetched: what adding to a week needs. */
  async storedOrFetched(mbid: string): Promise<Album> {
    const stored = await this.findStored(mbid);
    return stored ?? this.cache.fetchOnce(releaseKey(mbid), () => this.fetchAlbum(mbid));
  }

  /** By its own id, or by an old id MusicBrainz merged into it. */
  async findStored(mbid: string): Promise<Album | null> {
    const album = await this.albums.findOneBy({ musicbrainzId: mbid });
    if (album) return album;
    const alias = await this.aliases.findOne({
      where: { musicbrainzId: mbid },
      relations: { album: true },
    });
    return alias?.album ?? null;
  }

  private async fetchAlbum(requestedId: string): Promise<Album> {
    const data = await this.musicbrainz.lookupRelease(requestedId);
    const previous = await this.findStored(data.musicbrainzId);
    const coverArtSource = await this.resolveCoverArt(data, previous?.coverArtSource);
    const now = this.clock.now();
    return this.transactions.run(['catalog'], async (manager) => {
      const album = await upsertAlbum(manager, data, coverArtSource, now);
      if (requestedId !== album.musicbrainzId) {
        await manager
          .createQueryBuilder()
          .insert()
          .into(AlbumAlias)
          .values({ musicbrainzId: requestedId, albumId: album.id, createdAt: now })
          .orIgnore()
          .execute();
      }
      await replaceAlbumCredits(manager, album.id, data.credits, now);
      // Last, as a movie's (MoviesService.fetchMovie): a pick committed meanwhile is seen.
      await StatsYears.ofItems(manager, 'album', [album.id]);
      return album;
    });
  }

  /**
   * The release's front, else its release group's, else none. An inconclusive check counts as absent
   * for this reply, but keeps what was stored before when refreshing (upstream.md §4.2).
   */
  private async resolveCoverArt(
    data: AlbumData,
    previous: CoverArtSource | undefined,
  ): Promise<CoverArtSource> {
    const release = await this.coverArt.check('release', data.musicbrainzId);
    if (release === 'exists') return 'release';
    const group: CoverArtAnswer =
      data.releaseGroupId === null
        ? 'absent'
        : await this.coverArt.check('release-group', data.releaseGroupId);
    if (group === 'exists') return 'release-group';
    const inconclusive = release === 'inconclusive' || group === 'inconclusive';
    return inconclusive && previous !== undefined ? previous : 'none';
  }
}

/** Inserts or updates the album, as fetched (or exported) at `now`, inside the caller's transaction. */
export async function upsertAlbum(
  manager: EntityManager,
  data: AlbumData,
  coverArtSource: CoverArtSource,
  now: Date,
): Promise<Album> {
  const columns: Partial<Album> = {
    musicbrainzId: data.musicbrainzId,
    title: data.title,
    sortTitle: data.title.toLowerCase(),
    artist: data.artist,
    releaseDate: data.releaseDate,
    country: data.country,
    status: data.status,
    releaseGroupId: data.releaseGroupId,
    coverArtSource,
    cachedAt: now,
  };
  const existing = await manager.findOneBy(Album, { musicbrainzId: data.musicbrainzId });
  if (!existing) return manager.save(manager.create(Album, columns));
  await manager.update(Album, { id: existing.id }, columns);
  return manager.findOneByOrFail(Album, { id: existing.id });
}

/** Artists are upserted by MBID on every lookup so names and types stay current (upstream.md §3.3). */
export async function replaceAlbumCredits(
  manager: EntityManager,
  albumId: number,
  credits: ArtistCreditData[],
  now: Date,
): Promise<void> {
  const mbids = [...new Set(credits.map((credit) => credit.musicbrainzId))];
  const existing = new Map(
    (await manager.findBy(Artist, { musicbrainzId: In(mbids) })).map((artist) => [
      artist.musicbrainzId,
      artist,
    ]),
  );
  for (const credit of credits) {
    const columns = {
      name: credit.name,
      sortName: credit.sortName,
      disambiguation: credit.disambiguation,
      artistType: credit.artistType,
      country: credit.country,
      updatedAt: now,
    };
    const known = existing.get(credit.musicbrainzId);
    if (known) await manager.update(Artist, { id: known.id }, columns);
    else {
      await manager
        .createQueryBuilder()
        .insert()
        .into(Artist)
        .values({ musicbrainzId: credit.musicbrainzId, ...columns })
        .orIgnore()
        .execute();
    }
  }
  const artistIds = new Map(
    (await manager.findBy(Artist, { musicbrainzId: In(mbids) })).map((artist) => [
      artist.musicbrainzId,
      artist.id,
    ]),
  );
  await manager.delete(AlbumArtist, { albumId });
  await insertChunked(
    manager,
    AlbumArtist,
    credits.map((credit) => ({
      albumId,
      artistId: artistIds.get(credit.musicbrainzId)!,
      creditedName: credit.creditedName,
      joinPhrase: credit.joinPhrase,
      creditOrder: credit.order,
    })),
  );
}
