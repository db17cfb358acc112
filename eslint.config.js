import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/*
 * The layering (STYLE.md, "Shape"), enforced. On the server imports run one way, routes → services
 * → queries → db; the server never imports data/ (it reads the demo city file it builds); data/ and
 * the web app take from the server only the enumerations, which import nothing
 * (server/src/contracts/enums.ts), and the web app the contract's types with `import type`.
 *
 * In flat config a later block's options replace an earlier block's for the same rule, so each
 * block lists every pattern its files must obey (hence `serverWide` in each server block).
 */
const restrict = (...patterns) => ['error', { patterns }];
const layer = (regex, message) => ({ regex, message });
const serverWide = [
  layer('^(\\.\\./)+data(/|$)', 'The server does not import data/: it reads the file data/ builds (see bootstrap.ts).'),
];
const kysely = layer('^kysely(/|$)', 'Routes validate and call a service; SQL and Kysely belong in queries/.');
const fromQueries = layer('(^|/)queries/', 'Routes call a service, never a query: move the work into a service.');
const fromDb = layer('(^|/)db/', 'Routes call a service, never the database: move the work into a service.');
const fromRoutes = layer('(^|/)routes/', 'Imports run routes → services → queries: this layer may not import routes.');
const fromServices = layer(
  '(^|/)services/',
  'Queries return builders for services to run; they may not import services.',
);
const fromContracts = layer(
  '(^|/)contracts(/(?!enums$)|$)',
  'Queries speak database rows, not the API: only contracts/enums may be imported here.',
);
const serverExceptEnums = (who) =>
  layer('(^|/)server/(?!src/contracts/enums$)', `${who} may import from server/ only server/src/contracts/enums.`);

export default tseslint.config(
  { ignores: ['node_modules/', 'web/dist/', 'data/generated/', '.data/', 'test-results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
  },
  {
    // Migrations are typed `Kysely<any>` on purpose: they must not depend on today's schema types.
    files: ['migrations/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  { files: ['server/**/*.ts'], rules: { 'no-restricted-imports': restrict(...serverWide) } },
  {
    files: ['server/src/routes/**/*.ts'],
    rules: { 'no-restricted-imports': restrict(...serverWide, kysely, fromQueries, fromDb) },
  },
  {
    files: ['server/src/services/**/*.ts'],
    rules: { 'no-restricted-imports': restrict(...serverWide, fromRoutes) },
  },
  {
    files: ['server/src/queries/**/*.ts'],
    rules: { 'no-restricted-imports': restrict(...serverWide, fromServices, fromRoutes, fromContracts) },
  },
  { files: ['data/**/*.ts'], rules: { 'no-restricted-imports': restrict(serverExceptEnums('data/')) } },
  {
    // Type imports vanish from the bundle, so any contract type may come in; values only from enums.
    files: ['web/**/*.ts', 'web/**/*.svelte'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              ...serverExceptEnums('The web app (at run time)'),
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
);
