import { onMounted, ref, type Ref } from 'vue';
import type { LabClient } from '../../common/api/labApi';
import type { SystemInfo } from '../../common/api/methods/system';

/** How the UI names each training backend. */
export const BACKEND_LABELS: Readonly<Record<SystemInfo['backend']['chosen'], string>> = {
  'tensorflow-gpu': 'TensorFlow CUDA',
  webgpu: 'WebGPU',
  tensorflow: 'TensorFlow CPU',
  wasm: 'WebAssembly',
  cpu: 'JavaScript CPU',
};

/** The lab's system information, read when the component mounts, or why it could not be read. */
export function useSystemInfo(client: Pick<LabClient, 'getSystemInfo'>): { info: Ref<SystemInfo | undefined>; failure: Ref<string | undefined> } {
  const info = ref<SystemInfo>();
  const failure = ref<string>();
  onMounted(async () => {
    try {
      info.value = await client.getSystemInfo({});
    } catch (error) {
      failure.value = (error as Error).message;
    }
  });
  return { info, failure };
}
