/**
 * The `schemaVersion` a saved file declares, for its migrations: 1 when the file has
 * none (the first release wrote none), undefined when it holds anything but a positive
 * whole number (`"2"`, `2.5`, `null`). Such a file must be refused by name rather than
 * guessed to be version 1 and migrated into something else.
 */
export function declaredSchemaVersion(raw: Readonly<Record<string, unknown>>): number | undefined {
  if (!Object.hasOwn(raw, 'schemaVersion')) return 1;
  const version = raw['schemaVersion'];
  return typeof version === 'number' && Number.isInteger(version) && version >= 1 ? version : undefined;
}
