/*
 * Stats per ISO year (issue #10, bench:stats): the overview adds up the figures of each year, kept in these
 * tables, instead of reading every pick and verdict of the history. They hold derived data only, never
 * anything a user entered; emptied, they are computed again by the next stats read.
 *
 * - stats_years: per year, how many writes have changed what its stats show (`changes`, moved by every such
 *   write in its own transaction) and the count the stored figures were computed at (`figures_of`). The
 *   figures of a year are current exactly when the two are equal.
 * - stats_year_totals: the year's counts (weeks, picks, runtime, verdicts, reviews, the club's movies and
 *   the sum of their deltas against TMDB).
 * - stats_year_tallies: per year, one row per rating value, decade, genre, director and artist, with its
 *   count of picks or ratings and the totals of their ratings.
 * - stats_year_members, stats_year_pairs: per year, each member's figures and each pair's shared ratings.
 * - stats_year_picks: per year, the 5 best of each ranking and each member's wrongest opinion, with the
 *   keys they are ordered by, so that the best of all years is the best of these.
 * - stats_year_spans: per year, its runs of consecutive picked weeks.
 *
 * No foreign keys: rows of users or weeks are never what these rows are read through, and a year's rows are
 * replaced whole. Driver-neutral (TypeORM Table API), and frozen once released.
 */
import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';

const int = (name: string, isNullable = false) => ({ name, type: 'integer', isNullable });
const key = (name: string) => ({ ...int(name), isPrimary: true });
const double = (name: string, isNullable = true) => ({
  name,
  type: 'double precision',
  isNullable,
});
const label = (name: string) => ({ name, type: 'varchar', length: '16', isNullable: false });
const totals = (prefix = '') => [
  int(`${prefix}ratings`),
  int(`${prefix}rating_sum`),
  int(`${prefix}rating_squares`),
];

const TABLES = [
  new Table({
    name: 'stats_years',
    columns: [key('year'), { ...int('changes'), default: 0 }, int('figures_of', true)],
  }),
  new Table({
    name: 'stats_year_totals',
    columns: [
      key('year'),
      int('weeks'),
      int('claimed_weeks'),
      int('movie_picks'),
      int('album_picks'),
      int('runtime_minutes'),
      int('verdicts'),
      int('reviews'),
      int('club_movies'),
      double('club_delta_sum'),
    ],
  }),
  new Table({
    name: 'stats_year_tallies',
    columns: [
      key('year'),
      { ...label('tally'), isPrimary: true },
      key('tally_key'),
      int('count'),
      int('ratings'),
      int('rating_sum'),
      int('name_row', true),
    ],
    // The overview adds up each key's years: this gives them key by key, without a sort or a visit
    // to the table (the primary key, year first, serves a year and the recompute's deletes).
    indices: [
      new TableIndex({
        name: 'IDX_stats_year_tallies_tally_key',
        columnNames: ['tally', 'tally_key', 'year', 'count', 'ratings', 'rating_sum', 'name_row'],
      }),
    ],
  }),
  new Table({
    name: 'stats_year_members',
    columns: [
      key('year'),
      key('user_id'),
      int('weeks_owned'),
      int('movie_picks'),
      int('album_picks'),
      int('verdicts_given'),
      ...totals('given_'),
      ...totals('received_'),
    ],
  }),
  new Table({
    name: 'stats_year_pairs',
    columns: [key('year'), key('user_a'), key('user_b'), int('shared'), int('difference')],
  }),
  new Table({
    name: 'stats_year_picks',
    columns: [
      {
        name: 'id',
        type: 'integer',
        isPrimary: true,
        isGenerated: true,
        generationStrategy: 'increment',
      },
      int('year'),
      label('list'),
      int('member_id', true),
      { name: 'kind', type: 'varchar', length: '5', isNullable: false },
      int('kind_order'),
      int('pick_id'),
      int('week_id'),
      int('week_number'),
      int('position'),
      int('item_id'),
      int('picker_id', true),
      ...totals(),
      double('vote_average'),
      double('rank_key', false),
      double('rank_tie_break', false),
      int('your_rating', true),
    ],
    indices: [
      new TableIndex({ name: 'IDX_stats_year_picks_year', columnNames: ['year'] }),
      new TableIndex({ name: 'IDX_stats_year_picks_list_year', columnNames: ['list', 'year'] }),
    ],
  }),
  new Table({
    name: 'stats_year_spans',
    columns: [key('year'), key('first_week'), int('last_week')],
  }),
];

export class StatsYears1796860800000 implements MigrationInterface {
  name = 'StatsYears1796860800000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of TABLES) await queryRunner.createTable(table, false, true, true);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [...TABLES].reverse())
      await queryRunner.dropTable(table.name, false, true, true);
  }
}
