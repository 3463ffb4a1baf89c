/**
 * A count with its noun in the right number: `plural(1, 'epoch')` is "1 epoch",
 * `plural(3, 'epoch')` "3 epochs", `plural(2, 'class', 'classes')` "2 classes".
 *
 * @param pluralForm the noun for any count but 1 (default: the noun plus "s").
 */
export function plural(count: number, noun: string, pluralForm = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : pluralForm}`;
}
