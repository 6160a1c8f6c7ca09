// Modal dialogs on the native <dialog> element: showModal() keeps focus inside, Escape closes it, and focus returns
// to the control that opened it.

import {append, h, uid} from './dom.js';

/**
 * Opens a dialog and resolves with the submitted form's data (a FormData) or null when cancelled. {@code body} is
 * the content (fields, text); {@code confirm} the label of the button that submits; {@code danger} styles it.
 */
export function openDialog({title, body, confirm = 'OK', danger = false, validate}) {
  const opener = document.activeElement;
  const titleId = uid('dlg');
  const error = h('p', {class: 'error', role: 'alert', hidden: true});
  const submit = h('button', {type: 'submit', class: danger ? 'btn btn-danger' : 'btn btn-primary'}, confirm);
  const cancel = h('button', {type: 'button', class: 'btn'}, 'Cancel');
  const form = h('form', {method: 'dialog'},
    h('h2', {id: titleId}, title),
    append(h('div', {class: 'dialog-body'}), [body].flat()),
    error,
    h('div', {class: 'actions'}, cancel, submit));
  const dialog = h('dialog', {'aria-labelledby': titleId}, form);
  document.body.append(dialog);
  return new Promise((resolve) => {
    let result = null;
    cancel.addEventListener('click', () => dialog.close());
    form.addEventListener('submit', (e) => {
      const data = new FormData(form);
      const problem = validate ? validate(data) : null;
      if (problem) {
        e.preventDefault();
        error.hidden = false;
        error.textContent = problem;
        return;
      }
      result = data;
    });
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (opener && opener.isConnected) opener.focus();
      resolve(result);
    });
    dialog.showModal();
    const first = form.querySelector('input, select, textarea');
    (first || (danger ? cancel : submit)).focus();
  });
}

/** A yes-or-no question; resolves true when confirmed. */
export async function confirmDialog(title, text, confirm, danger = true) {
  return (await openDialog({title, body: h('p', {}, text), confirm, danger})) !== null;
}
