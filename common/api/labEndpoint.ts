import type { LabEvent } from './events';
import type { Unsubscribe } from './labApi';

/**
 * What a transport carries: validated calls by method name and the event stream. The
 * main side's `LabService` is one; the IPC binding and the WebSocket server take any.
 */
export interface LabEndpoint {
  /**
   * Validates `input` with the method's schema and runs it.
   * @throws LabError `API_UNKNOWN_METHOD`, `API_BAD_INPUT`, or the method's own errors.
   */
  invoke(method: unknown, input: unknown): Promise<unknown>;
  /** Subscribes to every lab event; returns the unsubscribe function. */
  onEvent(listener: (event: LabEvent) => void): Unsubscribe;
}
