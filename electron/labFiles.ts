/**
 * The part of Electron's `webUtils` the file bridge uses; a parameter so the bridge is
 * tested with a fake. Generic in the file type because the shell's sources are compiled
 * without the DOM's `File`.
 */
export interface WebUtilsLike<TFile> {
  getPathForFile(file: TFile): string;
}

/** What the preload exposes as `window.labFiles`. */
export interface LabFilesBridge<TFile> {
  /** The real path of a dropped or picked `File`, or null when it has none (made in the page, or not a File). */
  pathForFile(file: TFile): string | null;
}

/**
 * Builds `window.labFiles`: one pure function from a File to its path. Electron 32 removed
 * `File.path`; `webUtils.getPathForFile` replaces it but exists only in the preload, so the
 * renderer reaches it through this bridge instead of uploading the files' bytes.
 */
export function createLabFiles<TFile>(webUtils: WebUtilsLike<TFile>): LabFilesBridge<TFile> {
  return {
    pathForFile(file) {
      try {
        const found = webUtils.getPathForFile(file);
        return found === '' ? null : found;
      } catch {
        // Anything that is not a File (the page may pass any value) has no path.
        return null;
      }
    },
  };
}
