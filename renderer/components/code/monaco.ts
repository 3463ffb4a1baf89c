import * as monaco from 'monaco-editor/editor/editor.api';
// The editor features (suggest, code lens, hover, find...) with the services they need;
// registering only some of them leaves editors asking for services nobody provides.
import 'monaco-editor/features/register.all';
import 'monaco-editor/language/json/monaco.contribution';
import 'monaco-editor/languages/definitions/python/register';
import 'monaco-editor/languages/definitions/javascript/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import JsonWorker from 'monaco-editor/language/json/json.worker?worker';

/**
 * Monaco, bundled: the editor core, JSON (with its worker), Python and JavaScript
 * highlighting. Workers come from the bundle (Vite `?worker`), never a CDN, so the code
 * view works offline.
 */
self.MonacoEnvironment = {
  getWorker(_workerId: string, label: string): Worker {
    return label === 'json' ? new JsonWorker() : new EditorWorker();
  },
};

monaco.editor.defineTheme('model-lab-dark', {
  base: 'vs-dark',
  inherit: true,
  rules: [],
  colors: {
    'editor.background': '#1e1e1e',
    'editorGutter.background': '#1e1e1e',
  },
});

export { monaco };
