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

export default tseslint.config(
  {
    ignores: ['node_modules/**', 'dist/**', '.tsbuild/**', 'release/**', 'test/e2e/artifacts/**', 'resources/**', 'bench/results/**', '**/*.d.ts'],
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
    rules: restrict([['electron', '**/renderer/**', '**/electron/**', 'vue', 'pinia'], 'main/ runs under plain Node: it never imports electron or the renderer.']),
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.vue'],
    languageOptions: { globals: { ...globals.browser } },
    rules: restrict([['electron', '**/main/**', '**/electron/**', '@tensorflow/tfjs-node*', ...nodeImports], 'renderer/ reaches the engine only through LabApi (common/api).']),
  },
  {
    files: ['test/e2e/**/*.ts'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },
);
