/**
 * The module map (docs/architecture.md) as lint rules: imports run one way,
 * export → weeks → verdicts → movies/albums → catalog → cache/http → common/database/config,
 * recommendations → weeks/verdicts/movies/albums/catalog (nothing imports it), and auth → users;
 * cli/ (an entry point) may import anything and nothing imports it.
 * Type-only imports count too: a type dependency is still a dependency.
 */
const FEATURES =
  'auth|users|invites|weeks|movies|albums|catalog|health|backup|verdicts|stats|export|recommendations|cli';
const below = (folder, forbidden) => ({
  name: `${folder}-imports-downward-only`,
  comment: `${folder}/ may not import ${forbidden.replaceAll('|', ', ')}`,
  severity: 'error',
  from: { path: `^src/(${folder})/` },
  to: { path: `^src/(${forbidden})/` },
});

module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycles',
      comment:
        'No folder imports a folder that imports it back (an entity pair inside one folder is fine).',
      severity: 'error',
      from: { path: '^src/([^/]+)/' },
      to: { circular: true, pathNot: '^src/$1/' },
    },
    {
      name: 'no-app-imports',
      comment: 'The app root (app.module, main, entities) is imported by nothing in src/.',
      severity: 'error',
      from: { path: '^src/[^/]+/' },
      to: { path: '^src/[^/]+\\.ts$', pathNot: '^src/version\\.ts$' },
    },
    below('config', `${FEATURES}|common|database|http|cache|metrics`),
    below('common', `${FEATURES}|database|http|cache|metrics`),
    below('database', `${FEATURES}|http|cache|metrics`),
    below('metrics', `${FEATURES}|http|cache|database`),
    below('http', FEATURES),
    below('cache', `${FEATURES}|http`),
    below('catalog', 'auth|users|weeks|movies|albums|health|verdicts|stats|export|recommendations'),
    below('movies', 'auth|users|weeks|albums|health|verdicts|stats|export|recommendations'),
    below('albums', 'auth|users|weeks|movies|health|verdicts|stats|export|recommendations'),
    below(
      'users',
      'auth|invites|weeks|movies|albums|catalog|health|verdicts|stats|export|recommendations',
    ),
    below('auth', 'weeks|movies|albums|catalog|health|verdicts|stats|export|recommendations'),
    below(
      'invites',
      'auth|weeks|movies|albums|catalog|health|verdicts|stats|export|recommendations',
    ),
    below('weeks', 'auth|health|stats|export|recommendations'),
    below('verdicts', 'auth|weeks|health|stats|export|recommendations'),
    below('export', 'auth|health|stats|recommendations'),
    below('recommendations', 'auth|users|invites|health|backup|stats|export'),
    // Stats read what weeks, catalog items and verdicts hold; nothing imports them.
    below('stats', 'auth|health|export|recommendations|cli|backup'),
    below('health', `auth|users|weeks|movies|albums|catalog|cli`),
    below('backup', FEATURES.replace('backup|', '')),
    {
      name: 'no-cli-imports',
      comment: 'cli/ is an entry point, like the app root: nothing else imports it.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
    exclude: { path: '\\.spec\\.ts$' },
  },
};
