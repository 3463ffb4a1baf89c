#!/usr/bin/env node
// Runs electronegativity (Doyensec's Electron security scanner) over electron/ and fails on
// every finding above INFORMATIONAL that is not in REVIEWED below. Its programmatic API is
// used instead of the CLI because the CLI's CSV breaks rows whose sample spans lines and
// its SARIF drops the severity. A reviewed entry that no longer matches anything also
// fails, so the list cannot outlive the code it describes.
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const run = require('@doyensec/electronegativity/dist/runner.js');
const electronVersion = require('electron/package.json').version;

/**
 * Findings that are prompts for a manual review rather than misconfigurations; each was
 * reviewed and the reason is recorded here.
 */
const REVIEWED = [
  {
    id: 'PRELOAD_JS_CHECK',
    file: 'main.ts',
    reason: 'The sandboxed, context-isolated preload exposes only the LabApi client (one ipcRenderer.invoke per method of the table, plus onEvent); nothing of Node or Electron.',
  },
  {
    id: 'OPEN_EXTERNAL_JS_CHECK',
    file: 'main.ts',
    reason: 'openInSystemBrowser() passes only URLs whose scheme isSafeExternalUrl() accepts (https:, mailto:), unit-tested in test/unit/electron/security.test.ts.',
  },
  {
    id: 'CSP_GLOBAL_CHECK',
    file: 'contentSecurityPolicy.ts',
    reason: "csp-evaluator warns that script-src 'self' is weak when the origin hosts JSONP, AngularJS or user uploads; the app's origin (file:// dist/renderer or the token-protected browser-mode server) serves only the built renderer.",
  },
];

const SEVERITY_NAMES = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

// electronegativity prints a warning when it cannot fetch translations or Electron releases offline; those are noise here.
const originalLog = console.log;
const originalError = console.error;
const quiet = (write) => (...args) => {
  const text = args.map(String).join(' ');
  if (/Could not retrieve updated translations|fetching Electron's releases|Fetching Electron's new releases|Couldn't detect Electron version/.test(text)) return;
  write(...args);
};
console.log = quiet(originalLog);
console.error = quiet(originalError);

// A folder argument scans that folder instead (to check the scanner itself catches a bad setting).
const input = process.argv[2] ? path.resolve(process.argv[2]) : path.join(root, 'electron');
const shown = path.relative(root, input) || '.';
const result = await run({
  input,
  isRelative: true,
  isVerbose: false,
  customScan: [],
  excludeFromScan: [],
  electronVersionOverride: electronVersion,
  parserPlugins: [],
});
console.log = originalLog;
console.error = originalError;

const severityName = (issue) => issue.severity?.name ?? SEVERITY_NAMES[issue.severity?.value] ?? String(issue.severity?.value);
const serious = result.issues.filter((issue) => (issue.severity?.value ?? 0) > 0);
const unreviewed = serious.filter((issue) => !REVIEWED.some((r) => r.id === issue.id && r.file === path.basename(issue.file)));
const stale = REVIEWED.filter((r) => !serious.some((issue) => r.id === issue.id && r.file === path.basename(issue.file)));

for (const error of result.errors ?? []) console.error(`electronegativity could not parse ${error.file}: ${error.message ?? error.error ?? ''}`);
for (const issue of unreviewed) {
  console.error(`${shown}/${issue.file}:${issue.location.line}:${issue.location.column} ${issue.id} [${severityName(issue)}] ${issue.description}`);
}
for (const entry of stale) console.error(`scripts/lint-electron.mjs: reviewed ${entry.id} in ${entry.file} no longer occurs; remove it from REVIEWED.`);

const reviewedCount = serious.length - unreviewed.length;
console.log(
  `electronegativity (Electron ${electronVersion}): ${result.atomicChecks} atomic + ${result.globalChecks} global checks, ` +
    `${result.issues.length - serious.length} informational, ${reviewedCount} reviewed, ${unreviewed.length} unreviewed above informational.`,
);
process.exitCode = unreviewed.length > 0 || stale.length > 0 || (result.errors ?? []).length > 0 ? 1 : 0;
