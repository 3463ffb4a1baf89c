import type { CliCommand } from './command';
import { serveCommand } from './serve';
import { summaryCommand } from './summary';
import { templatesCommand } from './templates';
import { codegenCommand } from './codegen';
import { infoCommand } from './info';
import { dataCommand } from './data';
import { trainCommand } from './train';
import { gridCommand } from './grid';
import { evaluateCommand } from './evaluate';
import { runsCommand } from './runs';
import { exportCommand } from './export';
import { importCommand } from './import';
import { transferCommand } from './transfer';

/**
 * Every `model-lab` subcommand, listed explicitly so `help` shows them in this order.
 * Each command lives in its own file under main/cli/.
 */
export const CLI_COMMANDS: readonly CliCommand[] = [
  summaryCommand,
  templatesCommand,
  codegenCommand,
  serveCommand,
  infoCommand,
  dataCommand,
  trainCommand,
  gridCommand,
  evaluateCommand,
  runsCommand,
  exportCommand,
  importCommand,
  transferCommand,
];
