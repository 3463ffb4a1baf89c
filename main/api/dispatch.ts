import { LAB_METHODS, isLabMethodName, type LabHandlers, type LabMethodName, type LabOutput } from '../../common/api/labApi';
import { LabError } from '../../common/errors';

/**
 * Validates `rawInput` against the method's schema and calls the handler. Every
 * transport funnels through here, so a malformed payload is rejected the same way
 * whether it came over IPC, a WebSocket or the CLI.
 *
 * @throws LabError `API_UNKNOWN_METHOD` or `API_BAD_INPUT` (with the failing fields).
 */
export async function dispatchLabMethod(handlers: LabHandlers, method: unknown, rawInput: unknown): Promise<unknown> {
  if (!isLabMethodName(method)) {
    throw new LabError('API_UNKNOWN_METHOD', `Unknown LabApi method. Received: method=${JSON.stringify(method)}`, { received: method });
  }
  const def = LAB_METHODS[method];
  const parsed = def.input.safeParse(rawInput ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ field: issue.path.map(String).join('.'), message: issue.message }));
    const summary = issues.map((i) => (i.field ? `${i.field}: ${i.message}` : i.message)).join('; ');
    throw new LabError('API_BAD_INPUT', `Invalid input for ${method}: ${summary}`, { method, issues });
  }
  const handler = handlers[method] as (input: unknown) => Promise<LabOutput<LabMethodName>>;
  return handler(parsed.data);
}
