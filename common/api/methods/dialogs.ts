import { z } from 'zod';
import { defineMethod } from '../method';

/** What a file dialog is for; decides its default filters and title. */
export const dialogPurposeSchema = z.enum(['project', 'model', 'dataset-folder', 'dataset-file', 'export', 'any']);
export type DialogPurpose = z.infer<typeof dialogPurposeSchema>;

/** One entry of a dialog's file-type list, e.g. `{ name: 'Model Lab project', extensions: ['mlab'] }`. */
export const fileFilterSchema = z.object({
  name: z.string(),
  /** Extensions without the dot; `*` matches everything. */
  extensions: z.array(z.string().regex(/^(\*|[A-Za-z0-9._-]+)$/)),
});
export type FileFilter = z.infer<typeof fileFilterSchema>;

export const openDialogInputSchema = z.object({
  purpose: dialogPurposeSchema.default('any'),
  title: z.string().optional(),
  defaultPath: z.string().optional(),
  filters: z.array(fileFilterSchema).optional(),
  /** Pick folders instead of files (dataset folders). */
  directory: z.boolean().default(false),
  multiple: z.boolean().default(false),
});
export type OpenDialogInput = z.output<typeof openDialogInputSchema>;

export const saveDialogInputSchema = z.object({
  purpose: dialogPurposeSchema.default('any'),
  title: z.string().optional(),
  defaultPath: z.string().optional(),
  filters: z.array(fileFilterSchema).optional(),
});
export type SaveDialogInput = z.output<typeof saveDialogInputSchema>;

/**
 * Browser mode has no native dialog: the answer says so and lists the roots the in-page
 * picker may browse with `listDirectory`.
 */
const dialogUnsupportedSchema = z.object({
  status: z.literal('unsupported'),
  reason: z.string(),
  roots: z.array(z.string()),
});
const dialogCancelledSchema = z.object({ status: z.literal('cancelled') });

export const openDialogResultSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('selected'), paths: z.array(z.string()).min(1) }),
  dialogCancelledSchema,
  dialogUnsupportedSchema,
]);
export type OpenDialogResult = z.infer<typeof openDialogResultSchema>;

export const saveDialogResultSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('selected'), path: z.string() }),
  dialogCancelledSchema,
  dialogUnsupportedSchema,
]);
export type SaveDialogResult = z.infer<typeof saveDialogResultSchema>;

export const directoryEntrySchema = z.object({
  name: z.string(),
  path: z.string(),
  kind: z.enum(['file', 'directory']),
  /** Bytes, files only. */
  size: z.number().int().nonnegative().optional(),
  modifiedAt: z.string().optional(),
});
export type DirectoryEntry = z.infer<typeof directoryEntrySchema>;

export const listDirectoryOutputSchema = z.object({
  /** The listed folder, or null when the answer is the list of allowed roots. */
  path: z.string().nullable(),
  /** The folder above, or null at an allowed root (the picker then goes back to the roots). */
  parent: z.string().nullable(),
  entries: z.array(directoryEntrySchema),
});
export type ListDirectoryOutput = z.infer<typeof listDirectoryOutputSchema>;

/**
 * Native file dialogs. The desktop shell supplies one through `LabOptions.dialogs`;
 * without it (browser mode, CLI) the dialog methods answer `unsupported`.
 */
export interface DialogProvider {
  showOpenDialog(input: OpenDialogInput): Promise<OpenDialogResult>;
  showSaveDialog(input: SaveDialogInput): Promise<SaveDialogResult>;
}

export const dialogMethods = {
  showOpenDialog: defineMethod({
    description: 'Native open dialog; in browser mode answers `unsupported` so the page shows its own picker.',
    input: openDialogInputSchema.default({ purpose: 'any', directory: false, multiple: false }),
    output: openDialogResultSchema,
  }),
  showSaveDialog: defineMethod({
    description: 'Native save dialog; in browser mode answers `unsupported` so the page shows its own picker.',
    input: saveDialogInputSchema.default({ purpose: 'any' }),
    output: saveDialogResultSchema,
  }),
  listDirectory: defineMethod({
    description: 'Folders and files of a folder inside the allowed roots (no path: the roots themselves).',
    input: z
      .object({
        path: z.string().optional(),
        /** Only files with these extensions (without dot) are listed; folders always are. */
        extensions: z.array(z.string()).optional(),
        showHidden: z.boolean().default(false),
      })
      .default({ showHidden: false }),
    output: listDirectoryOutputSchema,
  }),
};
