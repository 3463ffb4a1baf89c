import { LAB_METHOD_NAMES, type LabClient, type Unsubscribe } from './labApi';
import type { LabEvent } from './events';

/** Sends one method call over a transport and resolves with its (already validated) result. */
export type LabCall = (method: string, input: unknown) => Promise<unknown>;

/**
 * Builds a `LabClient` from a transport's call function and event subscription: one
 * async function per name of the method table, so a method added to the table is
 * reachable without touching the clients.
 */
export function clientFromCall(call: LabCall, onEvent: (listener: (event: LabEvent) => void) => Unsubscribe): LabClient {
  const client: Record<string, unknown> = { onEvent };
  for (const name of LAB_METHOD_NAMES) client[name] = (input: unknown) => call(name, input);
  return client as unknown as LabClient;
}
