import { vi, type Mock } from 'vitest';
import type { LabEvent } from '../../../../common/api/events';
import type { LabMethodName } from '../../../../common/api/labApi';

/** A LabClient stand-in: every method is a `vi.fn` the test programs; `emit` delivers an event to subscribers. */
export type FakeLabClient = { [M in LabMethodName]: Mock } & {
  emit(event: LabEvent): void;
  onEvent(listener: (event: LabEvent) => void): () => void;
};

/** Creates the fake; methods not programmed reject, so an unexpected call fails the test loudly. */
export function createFakeLabClient(): FakeLabClient {
  const listeners = new Set<(event: LabEvent) => void>();
  const methods = new Map<string, Mock>();
  const base = {
    emit(event: LabEvent) {
      for (const listener of listeners) listener(event);
    },
    onEvent(listener: (event: LabEvent) => void) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
  // The proxy supplies every method on first use, which the type system cannot see.
  return new Proxy(base, {
    get(target, property: string) {
      if (property in target) return target[property as keyof typeof target];
      if (property === 'then') return undefined;
      let method = methods.get(property);
      if (!method) {
        method = vi.fn(async () => {
          throw new Error(`Unexpected LabApi call: ${property}`);
        });
        methods.set(property, method);
      }
      return method;
    },
  }) as unknown as FakeLabClient;
}
