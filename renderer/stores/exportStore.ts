import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { LabEvent } from '../../common/api/events';
import type { ExportFormat, ExportFormatInfo, ExportResult } from '../../common/api/methods/models';
import { labClient } from '../api/labClient';

/** What one format's export is doing, or how it ended. */
export interface ExportJob {
  format: ExportFormat;
  outPath: string;
  stage: 'waiting' | 'loading' | 'writing' | 'verifying' | 'done' | 'failed';
  fraction: number;
  message: string;
  result: ExportResult | null;
  error: string | null;
}

/** File name suffix of each format, appended to the chosen base path. */
const SUFFIXES: Record<ExportFormat, string> = { tfjs: '-tfjs', h5: '.h5', keras: '.keras', onnx: '.onnx', 'keras-script': '.py' };

/**
 * The path each format writes for a chosen base path: known model extensions are dropped
 * from the base, then the format's suffix is added (`model` → `model.onnx`, `model-tfjs/`).
 */
export function exportPathFor(basePath: string, format: ExportFormat): string {
  const base = basePath.replace(/(\.(h5|keras|onnx|py|json))$|-tfjs$/i, '');
  return `${base}${SUFFIXES[format]}`;
}

/**
 * Export of a run's checkpoint to one or more formats, one after another, each with its
 * progress and its verification (the largest difference between the reloaded file's
 * predictions and the lab's).
 */
export const useExportStore = defineStore('export', () => {
  const formats = ref<ExportFormatInfo[]>([]);
  const selectedFormats = ref<ExportFormat[]>(['tfjs', 'onnx']);
  const basePath = ref<string | null>(null);
  const jobs = ref<ExportJob[]>([]);
  const running = ref(false);

  /** Loads the format list once. */
  async function loadFormats(): Promise<void> {
    if (formats.value.length === 0) formats.value = await labClient.listExportFormats({});
  }

  function update(outPath: string, change: Partial<ExportJob>): void {
    jobs.value = jobs.value.map((job) => (job.outPath === outPath ? { ...job, ...change } : job));
  }

  /** Exports the run's checkpoint to every selected format under `basePath`. */
  async function exportRun(source: { runId: string; projectDir?: string; checkpoint: 'best' | 'last' }): Promise<void> {
    const base = basePath.value;
    if (!base || running.value) return;
    running.value = true;
    jobs.value = selectedFormats.value.map((format) => ({ format, outPath: exportPathFor(base, format), stage: 'waiting', fraction: 0, message: 'Waiting', result: null, error: null }));
    try {
      for (const job of [...jobs.value]) {
        update(job.outPath, { stage: 'loading', message: 'Loading the checkpoint' });
        try {
          const result = await labClient.exportModel({ ...source, format: job.format, outPath: job.outPath });
          update(job.outPath, { stage: 'done', fraction: 1, result, message: 'Written and verified' });
        } catch (error) {
          update(job.outPath, { stage: 'failed', error: (error as Error).message, message: 'Failed' });
        }
      }
    } finally {
      running.value = false;
    }
  }

  /** Applies an export.progress event to its job. */
  function handleEvent(event: LabEvent): void {
    if (event.type !== 'export.progress') return;
    const job = jobs.value.find((entry) => entry.outPath === event.outPath && entry.format === event.format);
    if (!job || job.stage === 'done' || job.stage === 'failed') return;
    update(job.outPath, { stage: event.stage === 'done' ? 'verifying' : event.stage, fraction: event.fraction, message: event.message });
  }

  labClient.onEvent(handleEvent);

  return { formats, selectedFormats, basePath, jobs, running, loadFormats, exportRun, handleEvent };
});
