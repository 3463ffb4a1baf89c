import '@vue-flow/core/dist/style.css';
import '@vue-flow/core/dist/theme-default.css';
import '@vue-flow/controls/dist/style.css';
import '@vue-flow/minimap/dist/style.css';
import './styles/theme.css';
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { readDraft } from './stores/projectStore';
import { useGraphStore } from './stores/graphStore';

/** Renderer entry: Pinia, the last draft (if any), then the shell. */
const app = createApp(App);
app.use(createPinia());
const draft = readDraft();
if (draft) useGraphStore().openGraph(draft);
app.mount('#app');
