import type { LabClient } from '../../common/api/labApi';

declare global {
  interface Window {
    /**
     * LabApi exposed by the desktop shell's preload (contextBridge); absent in browser
     * mode. Its methods reject with the serialised error; use `labClient`, which rebuilds
     * `LabError`.
     */
    lab?: LabClient;
    /**
     * The desktop shell's file bridge (electron/labFiles.ts): the real path of a dropped
     * `File`, or null for one made in the page. Absent in browser mode, where dropped files
     * are uploaded instead.
     */
    labFiles?: { pathForFile(file: File): string | null };
  }
}

export {};
