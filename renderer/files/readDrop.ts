/** One dropped file with its path relative to the drop, `/`-separated (`flowers/rose/1.png`). */
export interface DroppedFile {
  file: File;
  relativePath: string;
}

/** A top-level thing the user dropped: a folder or a file. */
export interface DroppedItem {
  name: string;
  kind: 'folder' | 'file';
  /**
   * The item's own File when the platform gives one (a folder's too, in the desktop shell,
   * where it resolves to the folder's path); null for folders rebuilt from relative paths.
   */
  file: File | null;
}

/** Everything a drop held: its top-level items and every file below them. */
export interface DropContents {
  items: DroppedItem[];
  files: DroppedFile[];
}

/** The entries of a drop, taken while its DataTransfer is still readable. */
interface CapturedItem {
  entry: FileSystemEntry | null;
  file: File | null;
}

/** Dot files and folders (.DS_Store, .git) are left out, as the folder importer leaves them out. */
function isHidden(name: string): boolean {
  return name.startsWith('.');
}

/** Every entry of a folder: `readEntries` answers in batches until it answers an empty one. */
async function readAllEntries(directory: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = directory.createReader();
  const all: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

function isDirectory(entry: FileSystemEntry): entry is FileSystemDirectoryEntry {
  return entry.isDirectory;
}

function isFile(entry: FileSystemEntry): entry is FileSystemFileEntry {
  return entry.isFile;
}

/** Walks a folder depth-first in name order, giving each file its path from the drop. */
async function walk(entry: FileSystemEntry, prefix: string, out: DroppedFile[]): Promise<void> {
  const relativePath = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
  if (isFile(entry)) {
    out.push({ file: await fileOf(entry), relativePath });
  } else if (isDirectory(entry)) {
    const children = (await readAllEntries(entry)).filter((child) => !isHidden(child.name)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const child of children) await walk(child, relativePath, out);
  }
}

/**
 * Reads what was dropped: folders are walked recursively through `webkitGetAsEntry()`;
 * where entries are unavailable (files made in the page, older engines) each File's
 * `webkitRelativePath`, else its name, gives its path, and the first segment of a nested
 * path names its folder.
 *
 * Call it inside the drop handler, before any await: a DataTransfer's items can be read
 * only while its event is being dispatched, and this function takes them synchronously.
 */
export function readDrop(transfer: DataTransfer): Promise<DropContents> {
  const captured: CapturedItem[] = [];
  for (const item of Array.from(transfer.items ?? [])) {
    if (item.kind !== 'file') continue;
    captured.push({ entry: typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null, file: item.getAsFile() });
  }
  if (captured.length === 0) for (const file of Array.from(transfer.files ?? [])) captured.push({ entry: null, file });
  return collect(captured);
}

async function collect(captured: CapturedItem[]): Promise<DropContents> {
  const items: DroppedItem[] = [];
  const files: DroppedFile[] = [];
  const rebuiltFolders = new Set<string>();
  for (const { entry, file } of captured) {
    if (entry) {
      if (isHidden(entry.name)) continue;
      items.push({ name: entry.name, kind: entry.isDirectory ? 'folder' : 'file', file });
      await walk(entry, '', files);
    } else if (file) {
      const relativePath = (file.webkitRelativePath || file.name).replace(/\\/g, '/').replace(/^\/+/, '');
      const segments = relativePath.split('/');
      if (segments.some(isHidden)) continue;
      files.push({ file, relativePath });
      const top = segments[0] ?? file.name;
      if (segments.length === 1) items.push({ name: top, kind: 'file', file });
      else if (!rebuiltFolders.has(top)) {
        rebuiltFolders.add(top);
        items.push({ name: top, kind: 'folder', file: null });
      }
    }
  }
  return { items, files };
}
