/** What `installElectron` prints before it tries: true on every start until the binary is there. */
export const FETCHING_MESSAGE: string;
/** The Electron binary's path inside `electronDir` (node_modules/electron), or undefined when it has not been downloaded. */
export function electronBinary(electronDir: string): string | undefined;
/** Downloads Electron's binary with the package's own install script; returns why it failed, or undefined on success. */
export function installElectron(electronDir: string, log?: (line: string) => void): string | undefined;
