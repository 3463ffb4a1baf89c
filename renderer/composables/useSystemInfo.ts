import { storeToRefs } from 'pinia';
import { onMounted, type Ref } from 'vue';
import type { SystemInfo } from '../../common/api/methods/system';
import { useSystemStore } from '../stores/systemStore';

/** How the UI names each training backend. */
export const BACKEND_LABELS: Readonly<Record<SystemInfo['backend']['chosen'], string>> = {
  'tensorflow-gpu': 'TensorFlow CUDA',
  webgpu: 'WebGPU',
  tensorflow: 'TensorFlow CPU',
  wasm: 'WebAssembly',
  cpu: 'JavaScript CPU',
};

/** The lab's system information (systemStore), read when the component mounts, or why it could not be read. */
export function useSystemInfo(): { info: Ref<SystemInfo | undefined>; failure: Ref<string | undefined> } {
  const system = useSystemStore();
  onMounted(() => void system.load());
  const { info, failure } = storeToRefs(system);
  return { info, failure };
}
