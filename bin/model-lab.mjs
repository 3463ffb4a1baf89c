#!/usr/bin/env node
// The `model-lab` command. The engine is TypeScript run through tsx, so a clone works
// without a build step; Electron packages use the bundled output instead.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../main/cli.ts');
process.exitCode = await main(process.argv.slice(2));
