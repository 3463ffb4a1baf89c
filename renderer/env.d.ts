// Plain `tsc -b` (the typecheck script's first step, and the test project) does not read
// .vue files; this lets it resolve their imports. vue-tsc resolves the real components
// and their prop types first, so the shim never hides a type error there.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}
