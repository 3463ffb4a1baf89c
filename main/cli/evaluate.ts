import type { Evaluation } from '../../common/training/evaluation';
import { classLabel } from '../../common/text/classLabel';
import type { CliCommand } from './command';
import { parseCommandArgs } from './graphArgument';
import { LabError } from '../../common/errors';
import { RUN_PLACE_HELP, RUN_PLACE_OPTIONS, placeOfRun, projectDirOf, readingRunLine, resolveRunPlace } from './runPlace';

const HELP = `Usage: model-lab evaluate <run-id> [options]

Evaluates a run's checkpoint on the test split: loss, accuracy, top-k accuracy,
per-class precision / recall / F1 / support with macro and weighted averages, and the
confusion matrix (rows: true class, columns: predicted).

  --checkpoint best|last   which checkpoint (default best)
${RUN_PLACE_HELP}
  --misclassified N        worst misclassified images to list (default 10)
  --json                   print the evaluation as JSON
`;

/** Formats an evaluation as the metrics table and confusion matrix the CLI prints. */
export function formatEvaluation(e: Evaluation): string {
  const lines: string[] = [];
  lines.push(`${e.runId} (${e.checkpoint} checkpoint) on ${e.examples} ${e.split} images`);
  lines.push(`loss ${e.loss.toFixed(4)}   accuracy ${(e.accuracy * 100).toFixed(2)}%   top-${e.topK.k} accuracy ${(e.topK.accuracy * 100).toFixed(2)}%`, '');
  const nameWidth = Math.max(12, ...e.classes.map((c) => c.length));
  const row = (name: string, p: number, r: number, f: number, s: number): string =>
    `${name.padEnd(nameWidth)}  ${p.toFixed(3).padStart(9)}  ${r.toFixed(3).padStart(9)}  ${f.toFixed(3).padStart(9)}  ${String(s).padStart(7)}`;
  lines.push(`${''.padEnd(nameWidth)}  ${'precision'.padStart(9)}  ${'recall'.padStart(9)}  ${'f1-score'.padStart(9)}  ${'support'.padStart(7)}`);
  for (const c of e.perClass) lines.push(row(c.className, c.precision, c.recall, c.f1, c.support));
  lines.push('', row('macro avg', e.macroAverage.precision, e.macroAverage.recall, e.macroAverage.f1, e.macroAverage.support));
  lines.push(row('weighted avg', e.weightedAverage.precision, e.weightedAverage.recall, e.weightedAverage.f1, e.weightedAverage.support), '');
  const cell = Math.max(5, ...e.confusionMatrix.flat().map((n) => String(n).length + 1));
  lines.push('Confusion matrix (rows: true, columns: predicted)');
  const rowLabels = e.confusionMatrix.map((_, i) => classLabel(i, e.classes[i]));
  const rowWidth = Math.max(nameWidth, ...rowLabels.map((label) => label.length));
  lines.push(`${''.padEnd(rowWidth)}${e.classes.map((_, i) => String(i).padStart(cell)).join('')}`);
  e.confusionMatrix.forEach((counts, i) => lines.push(`${(rowLabels[i] ?? '').padEnd(rowWidth)}${counts.map((n) => String(n).padStart(cell)).join('')}`));
  if (e.misclassified.length > 0) {
    lines.push('', 'Most confidently wrong:');
    for (const m of e.misclassified) {
      lines.push(`  #${m.index}: true ${e.classes[m.trueClass] ?? m.trueClass}, predicted ${e.classes[m.predictedClass] ?? m.predictedClass} (${(m.confidence * 100).toFixed(1)}%, loss ${m.loss.toFixed(3)})`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** `model-lab evaluate <run>`: metrics table and confusion matrix of a run. */
export const evaluateCommand: CliCommand = {
  name: 'evaluate',
  usage: 'evaluate <run-id> [--checkpoint best|last] [--project DIR | --no-project] [--json]',
  description: "Print a run's test metrics, per-class report and confusion matrix.",
  async run(args, io, serviceFactory) {
    const { values, positionals } = parseCommandArgs(args, {
      checkpoint: { type: 'string' }, ...RUN_PLACE_OPTIONS, misclassified: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      io.out(HELP);
      return 0;
    }
    const runId = positionals[0];
    if (runId === undefined) throw new LabError('API_BAD_INPUT', 'Expected a run id (see `model-lab runs`). Received: nothing', { field: 'runId' });
    const checkpoint = values.checkpoint ?? 'best';
    if (checkpoint !== 'best' && checkpoint !== 'last') throw new LabError('API_BAD_INPUT', `Expected --checkpoint best or last. Received: checkpoint=${JSON.stringify(checkpoint)}`, { field: 'checkpoint' });
    const place = await placeOfRun(runId, await resolveRunPlace(values));
    (values.json ? io.err : io.out)(`${readingRunLine(runId, place)}\n`);
    const service = await serviceFactory();
    const evaluation = await service.call('evaluateRun', {
      runId, checkpoint, misclassified: values.misclassified === undefined ? 10 : Number(values.misclassified),
      ...projectDirOf(place),
    });
    io.out(values.json ? `${JSON.stringify(evaluation, null, 2)}\n` : formatEvaluation(evaluation));
    return 0;
  },
};
