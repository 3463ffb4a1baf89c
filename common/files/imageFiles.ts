import { fileExtension } from './paths';

/** Image file extensions the lab decodes, lower case without the dot, in the order messages list them. */
export const IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg', 'bmp', 'gif', 'webp', 'tif', 'tiff'] as const;

/** True when the file name has one of `IMAGE_EXTENSIONS` (any case). */
export function isImageFileName(name: string): boolean {
  return (IMAGE_EXTENSIONS as readonly string[]).includes(fileExtension(name));
}
