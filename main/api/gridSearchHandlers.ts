import type { LabHandlers } from '../../common/api/labApi';
import type { IDisposable } from '../../common/lifecycle';
import { GridSearchQueue, type GridRunHandlers } from './gridSearchQueue';
import type { LabContext } from './labContext';

type GridMethodName = 'startGridSearch' | 'listGridSearches' | 'cancelGridSearch' | 'resumeGridSearch';

/**
 * LabApi handlers of grid searches. The queue lives here on the main side, so a grid
 * carries on whichever window (or CLI) started it, and its runs start through the run
 * handlers like any other run.
 */
export function createGridSearchHandlers(context: LabContext, runs: GridRunHandlers, disposables: IDisposable[]): Pick<LabHandlers, GridMethodName> {
  const queue = new GridSearchQueue(context, runs);
  disposables.push(queue);
  return {
    startGridSearch: (input) => queue.start(input),
    listGridSearches: (input) => queue.list(input.projectDir),
    cancelGridSearch: (input) => queue.cancel(input.projectDir, input.gridId),
    resumeGridSearch: (input) => queue.resume(input.projectDir, input.gridId),
  };
}
