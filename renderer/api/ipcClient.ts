import type { LabClient } from '../../common/api/labApi';
import { deserializeError, LabError } from '../../common/errors';
import { clientFromCall } from '../../common/api/clientFromCall';

/**
 * The desktop client over `window.lab` (the preload's bridge). Electron's contextBridge
 * copies an `Error` without its own properties, so the preload rejects with the
 * serialised `{code, message, details}` and this client rebuilds the `LabError`.
 */
export function createIpcClient(bridge: LabClient): LabClient {
  const methods = bridge as unknown as Record<string, (input: unknown) => Promise<unknown>>;
  return clientFromCall(
    async (method, input) => {
      const fn = methods[method];
      if (typeof fn !== 'function') {
        throw new LabError('API_UNKNOWN_METHOD', `Expected the desktop bridge to expose ${method}. Received: method=${JSON.stringify(method)}`);
      }
      try {
        return await fn(input);
      } catch (error) {
        throw error instanceof LabError ? error : deserializeError(error);
      }
    },
    (listener) => bridge.onEvent(listener),
  );
}
