/**
 * How a class is named in a table row: its label and name ("3 Dress"), or only the name
 * when the name is the label itself, as with digits ("3", not "3 3").
 */
export function classLabel(label: number, name: string | undefined): string {
  if (name === undefined || name === '') return String(label);
  return name === String(label) ? name : `${label} ${name}`;
}
