import type { CliIo } from '../../../../main/cli/command';

/** A CLI's output captured in strings, as a test reads it; never a terminal. */
export function bufferIo(): CliIo & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    isTty: false,
    out: (text: string): void => {
      io.stdout += text;
    },
    err: (text: string): void => {
      io.stderr += text;
    },
  };
  return io;
}
