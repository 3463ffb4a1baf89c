import type { LabClient, LabHandlers, LabInput, LabMethodName, LabOutput } from '../../common/api/labApi';
import { clientFromCall } from '../../common/api/clientFromCall';
import type { LabEndpoint } from '../../common/api/labEndpoint';
import type { IDisposable } from '../../common/lifecycle';
import { LabContext, type LabOptions } from './labContext';
import { dispatchLabMethod } from './dispatch';
import { createSystemHandlers } from './systemHandlers';
import { createGraphHandlers } from './graphHandlers';
import { createDialogHandlers } from './dialogHandlers';
import { createDatasetHandlers } from './datasetHandlers';
import { createRunHandlers } from './runHandlers';
import { createGridSearchHandlers } from './gridSearchHandlers';
import { createProjectHandlers } from './projectHandlers';
import { createModelHandlers } from './modelHandlers';
import { createTransferHandlers } from './transferHandlers';
import { createUploadHandlers } from './uploadHandlers';

/**
 * The one implementation of LabApi (DESIGN.md principle 3). Each domain contributes its
 * handlers; transports call `invoke`, which validates input with the method's schema.
 */
export interface LabService extends LabEndpoint, IDisposable {
  readonly context: LabContext;
  readonly handlers: LabHandlers;
  /** Typed in-process call (CLI, tests). */
  call<M extends LabMethodName>(method: M, input: LabInput<M>): Promise<LabOutput<M>>;
}

/** Builds the service and its domains. */
export async function createLabService(options: LabOptions): Promise<LabService> {
  const context = new LabContext(options);
  const disposables: IDisposable[] = [];
  const runHandlers = createRunHandlers(context, disposables);
  const handlers: LabHandlers = {
    ...createSystemHandlers(context),
    ...createGraphHandlers(context),
    ...createDialogHandlers(context),
    ...createDatasetHandlers(context),
    ...runHandlers,
    ...createGridSearchHandlers(context, runHandlers, disposables),
    ...createProjectHandlers(context),
    ...createModelHandlers(context),
    ...createTransferHandlers(context),
    ...createUploadHandlers(context),
  };
  return {
    context,
    handlers,
    invoke: (method, input) => dispatchLabMethod(handlers, method, input),
    call: async (method, input) => (await dispatchLabMethod(handlers, method, input)) as LabOutput<typeof method>,
    onEvent(listener) {
      const subscription = context.events.event(listener);
      return () => subscription.dispose();
    },
    dispose() {
      for (const d of disposables.reverse()) d.dispose();
      context.dispose();
    },
  };
}

/** A LabClient that calls the service in this process, with the same validation as a transport. */
export function createInProcessClient(service: LabService): LabClient {
  return clientFromCall((method, input) => service.invoke(method, input), (listener) => service.onEvent(listener));
}
