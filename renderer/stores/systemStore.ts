import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { SystemInfo } from '../../common/api/methods/system';
import { labClient } from '../api/labClient';

/**
 * The lab's system information (version, backend and device, data folder), read once and
 * shared by the backend badge and the About dialog, or why it could not be read.
 */
export const useSystemStore = defineStore('system', () => {
  const info = ref<SystemInfo>();
  const failure = ref<string>();
  let loading: Promise<void> | undefined;

  /** Reads the information on first use; a failed read is tried again by the next call. */
  function load(): Promise<void> {
    loading ??= labClient.getSystemInfo({}).then(
      (read) => {
        info.value = read;
        failure.value = undefined;
      },
      (error: unknown) => {
        failure.value = (error as Error).message;
        loading = undefined;
      },
    );
    return loading;
  }

  return { info, failure, load };
});
