import type { z } from 'zod';
import { systemMethods } from './methods/system';
import { graphMethods } from './methods/graph';
import { dialogMethods } from './methods/dialogs';
import { runMethods } from './methods/runs';
import { gridSearchMethods } from './methods/gridSearch';
import { projectMethods } from './methods/projects';
import { datasetMethods } from './methods/datasets';
import { modelMethods } from './methods/models';
import { transferMethods } from './methods/transfer';
import { uploadMethods } from './methods/uploads';
import type { LabEvent } from './events';

/**
 * The LabApi method table: declared once, used by every transport (Electron IPC,
 * WebSocket, CLI, in-process tests). Adding a method touches this table (through its
 * domain file) and the service that implements it, nothing else.
 */
export const LAB_METHODS = {
  ...systemMethods,
  ...graphMethods,
  ...runMethods,
  ...gridSearchMethods,
  ...projectMethods,
  ...dialogMethods,
  ...datasetMethods,
  ...modelMethods,
  ...transferMethods,
  ...uploadMethods,
} as const;

export type LabMethods = typeof LAB_METHODS;
export type LabMethodName = keyof LabMethods;
export const LAB_METHOD_NAMES = Object.keys(LAB_METHODS) as LabMethodName[];

/** What a caller passes (defaults may be omitted). */
export type LabInput<M extends LabMethodName> = z.input<LabMethods[M]['input']>;
/** What an implementation receives after the schema parsed it (defaults filled). */
export type LabParsedInput<M extends LabMethodName> = z.output<LabMethods[M]['input']>;
export type LabOutput<M extends LabMethodName> = z.output<LabMethods[M]['output']>;

/** The client view: one async function per method, plus the event stream. */
export type LabApi = {
  [M in LabMethodName]: (input: LabInput<M>) => Promise<LabOutput<M>>;
};

/** Unsubscribes when called. */
export type Unsubscribe = () => void;

export interface LabClient extends LabApi {
  /** Subscribes to every lab event; returns the unsubscribe function. */
  onEvent(listener: (event: LabEvent) => void): Unsubscribe;
}

/** The implementation side: receives parsed input. */
export type LabHandlers = {
  [M in LabMethodName]: (input: LabParsedInput<M>) => Promise<LabOutput<M>>;
};

/** True when `name` is a method of the table (transports reject anything else). */
export function isLabMethodName(name: unknown): name is LabMethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(LAB_METHODS, name);
}
