import type { LabClient } from '../../common/api/labApi';

declare global {
  interface Window {
    /**
     * LabApi exposed by the desktop shell's preload (contextBridge); absent in browser
     * mode. Its methods reject with the serialised error; use `labClient`, which rebuilds
     * `LabError`.
     */
    lab?: LabClient;
  }
}

export {};
