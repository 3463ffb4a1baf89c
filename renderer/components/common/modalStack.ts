/**
 * The modal dialogs open now, oldest first. Dialogs can stack (a file picker opened from the
 * transfer dialog), and one Esc must close only the one on top.
 */
const openModals: symbol[] = [];

/** Records a dialog as the topmost one; returns the token that identifies it. */
export function pushModal(): symbol {
  const token = Symbol('modal');
  openModals.push(token);
  return token;
}

/** Forgets a dialog, wherever it sits in the stack (dialogs may close out of order). */
export function removeModal(token: symbol): void {
  const index = openModals.indexOf(token);
  if (index !== -1) openModals.splice(index, 1);
}

/** Whether the dialog holding `token` is the one on top, the one keys go to. */
export function isTopModal(token: symbol): boolean {
  return openModals[openModals.length - 1] === token;
}
