import path from 'node:path';

/** Kinds of files the app opens from outside (double-click, drag, command line). */
export type OpenedFileKind = 'project' | 'model' | 'dataset';

/** Extensions the app is registered for (build/electron-builder.yml `fileAssociations` lists the same). */
export const OPENED_FILE_EXTENSIONS: Readonly<Record<string, OpenedFileKind>> = {
  '.modellab': 'project',
  '.json': 'model',
  '.h5': 'model',
  '.keras': 'model',
  '.onnx': 'model',
  '.idx3-ubyte': 'dataset',
  '.gz': 'dataset',
  '.bin': 'dataset',
};

/** The kind of a file by its extension, or undefined for a file the app does not open. */
export function openedFileKind(filePath: string): OpenedFileKind | undefined {
  const lower = filePath.toLowerCase();
  if (lower.endsWith('-ubyte') || lower.endsWith('-ubyte.gz')) return 'dataset';
  return OPENED_FILE_EXTENSIONS[path.extname(lower)];
}

/**
 * The files named on a command line (`model-lab cats.modellab`, or what the OS passes on
 * double-click): arguments that are not flags, not the executable or the app folder, and
 * have an extension the app opens. Relative paths resolve against `cwd`.
 */
export function filesFromArgv(argv: readonly string[], cwd: string): string[] {
  const files: string[] = [];
  for (const arg of argv.slice(1)) {
    if (arg.startsWith('-') || arg === '.') continue;
    if (openedFileKind(arg) === undefined) continue;
    files.push(path.resolve(cwd, arg));
  }
  return files;
}
