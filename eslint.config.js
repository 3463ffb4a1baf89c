// Lint rules, including the layering of DESIGN.md: arrows point down only
// (renderer -> common, electron -> main -> common); only electron/ imports electron.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import vue from 'eslint-plugin-vue';
import globals from 'globals';

const nodeBuiltins = ['fs', 'path', 'os', 'child_process', 'worker_threads', 'net', 'http', 'https', 'crypto', 'stream', 'url', 'zlib', 'events', 'util', 'readline', 'buffer'];
// A leading slash anchors the bare name, so a relative './events' module is not mistaken for Node's 'events'.
const nodeImports = nodeBuiltins.flatMap((name) => [`/${name}`, `node:${name}`, `${name}/*`, `node:${name}/*`]);

/** A `no-restricted-imports` rule: each `[patterns, reason]` group forbids its patterns with its reason. */
function restrict(...groups) {
  return { 'no-restricted-imports': ['error', { patterns: groups.map(([group, message]) => ({ group, message })) }] };
}

const PURE_COMMON = [
  ['electron', '@tensorflow/*', '../main/*', '../../main/*', '../renderer/*', '../../renderer/*', '../electron/*', '../../electron/*', 'vue', 'pinia', ...nodeImports],
  'common/ is pure TypeScript: no Node, DOM, tfjs, Electron or renderer imports.',
];

const PLAIN_NODE_MAIN = [['electron', '**/renderer/**', '**/electron/**', 'vue', 'pinia'], 'main/ runs under plain Node: it never imports electron or the renderer.'];

/**
 * The folders of main/, lowest first: where the app is installed, project and run files on
 * disk, data import, the engine, model file formats, transfer learning, the training
 * process, the LabApi implementation, then its transports.
 */
const MAIN_LAYERS = ['install', 'project', 'data', 'engine', 'formats', 'transfer', 'training', 'api', 'server', 'cli'];

const RENDERER_THROUGH_LAB_API = [['electron', '**/main/**', '**/electron/**', '@tensorflow/tfjs-node*', ...nodeImports], 'renderer/ reaches the engine only through LabApi (common/api).'];

/** The renderer's non-visual folders, which components and views build on. */
const RENDERER_BELOW_COMPONENTS = ['api', 'canvas', 'charts', 'composables', 'files', 'layers', 'shell', 'stores'];

export default tseslint.config(
  {
    ignores: ['node_modules/**', 'dist/**', '.gpu/**', '.gl/**', '.tsbuild/**', 'release/**', 'test/e2e/artifacts/**', 'resources/**', 'bench/results/**', '**/*.d.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
  },
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/first-attribute-linebreak': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/html-indent': 'off',
      'vue/multiline-html-element-content-newline': 'off',
      'vue/attributes-order': 'off',
    },
  },
  {
    files: ['common/**/*.ts'],
    rules: restrict(PURE_COMMON),
  },
  {
    // The domain (graph, catalog, training, data, ...) is what the contract is made of, never the other way round.
    files: ['common/**/*.ts'],
    ignores: ['common/api/**'],
    rules: restrict(PURE_COMMON, [['**/api/*', '**/api/**'], 'Only common/api/ composes the domain into the LabApi contract; the domain never imports it.']),
  },
  {
    files: ['main/**/*.ts'],
    rules: restrict(PLAIN_NODE_MAIN),
  },
  // Inside main/, each folder imports only the folders below it (MAIN_LAYERS).
  ...MAIN_LAYERS.slice(0, -1).map((layer, index) => ({
    files: [`main/${layer}/**/*.ts`],
    rules: restrict(PLAIN_NODE_MAIN, [
      MAIN_LAYERS.slice(index + 1).flatMap((above) => [`../${above}/**`, `../../${above}/**`, `../../../${above}/**`]),
      `main/${layer}/ sits below ${MAIN_LAYERS.slice(index + 1).join(', ')} (MAIN_LAYERS in eslint.config.js): it may not import them.`,
    ]),
  })),
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.vue'],
    languageOptions: { globals: { ...globals.browser } },
    rules: restrict(RENDERER_THROUGH_LAB_API),
  },
  {
    // Stores, composables and the other non-visual modules serve components, never the reverse.
    files: RENDERER_BELOW_COMPONENTS.map((folder) => `renderer/${folder}/**/*.ts`),
    rules: restrict(RENDERER_THROUGH_LAB_API, [
      ['components', 'views'].flatMap((above) => [`../${above}/**`, `../../${above}/**`]),
      `renderer/{${RENDERER_BELOW_COMPONENTS.join(',')}}/ serve components and views: they may not import them.`,
    ]),
  },
  {
    files: ['test/e2e/**/*.ts'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },
);
