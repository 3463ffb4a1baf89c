import { pickLabClient } from './pickLabClient';

const picked = pickLabClient();

/** The app's one LabApi client; stores call this, never `window.lab`. */
export const labClient = picked.client;

/** Which transport `labClient` uses (`ipc` in the desktop app, `websocket` in browser mode). */
export const labTransport = picked.transport;
