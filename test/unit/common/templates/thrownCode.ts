import { LabError } from '../../../../common/errors';

/** The LabError code `run` throws, or undefined when it returns normally. */
export function thrownCode(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof LabError ? error.code : `not a LabError: ${String(error)}`;
  }
  return undefined;
}
