import { z } from 'zod';
import type { SerializedLabError } from '../errors';
import type { LabEvent } from './events';

/**
 * Messages of the message-based transports (WebSocket, Electron IPC results). Requests
 * carry an id the answer repeats; events carry no id.
 */
export const wireRequestSchema = z.object({
  id: z.union([z.number().int(), z.string().min(1).max(64)]),
  method: z.string().min(1).max(128),
  input: z.unknown().optional(),
});
export type WireRequest = z.infer<typeof wireRequestSchema>;
export type WireRequestId = WireRequest['id'];

/** A call's outcome: thrown errors become `{ ok: false }` with the serialised `LabError`. */
export type WireResult = { ok: true; result: unknown } | { ok: false; error: SerializedLabError };

/** The answer to one request; `id` is null when the request was too malformed to carry one. */
export type WireResponse = { kind: 'response'; id: WireRequestId | null } & WireResult;

export interface WireEventMessage {
  kind: 'event';
  event: LabEvent;
}

/** Anything the server sends. */
export type WireServerMessage = WireResponse | WireEventMessage;

/** Largest request the browser-mode WebSocket accepts (a big model graph or a dataset spec fits easily). */
export const MAX_WIRE_MESSAGE_BYTES = 32 * 1024 * 1024;

/** Path of the LabApi WebSocket endpoint in browser mode, below the `/<access token>` the page is served under. */
export const WS_API_PATH = '/api';

/** IPC channel of one LabApi method in the desktop shell. */
export function ipcChannelOf(method: string): string {
  return `lab:${method}`;
}

/** IPC channel on which the desktop shell pushes lab events to the window. */
export const IPC_EVENT_CHANNEL = 'lab:event';
