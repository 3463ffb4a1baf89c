/**
 * The training process' side of the channel to the main side: Node's IPC
 * (`process.send`) when forked by `child_process.fork`, Electron's `process.parentPort`
 * when started by `utilityProcess.fork`. Messages are the same plain objects either way.
 */
export interface ParentPort {
  /** Resolves once the message is handed to the transport. */
  send(message: unknown): Promise<void>;
  onMessage(listener: (message: unknown) => void): void;
}

interface ElectronParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

/**
 * Connects to whichever transport started this process.
 *
 * @throws Error when the process was started without a message channel (by hand).
 */
export function connectParentPort(): ParentPort {
  const electronPort = (process as unknown as { parentPort?: ElectronParentPort }).parentPort;
  if (electronPort) {
    return {
      send: (message) => {
        electronPort.postMessage(message);
        return Promise.resolve();
      },
      onMessage: (listener) => electronPort.on('message', (event) => listener(event.data)),
    };
  }
  if (typeof process.send === 'function') {
    return {
      send: (message) => new Promise<void>((resolve) => {
        if (!process.connected || !process.send) {
          resolve();
          return;
        }
        process.send(message as object, undefined, {}, () => resolve());
      }),
      onMessage: (listener) => process.on('message', listener),
    };
  }
  throw new Error('The training process must be started by Model Lab (it needs a message channel to its parent).');
}
