import {api} from '../lib/api.js';
import {busy, errorBox, field, h, replace, table} from '../lib/dom.js';
import {confirmDialog} from '../lib/dialog.js';
import {announce} from '../lib/live.js';
import {when} from '../lib/when.js';

/** The new key, shown once: the API never returns it again. */
function revealed(key, onDone) {
  const value = h('input', {type: 'text', readonly: true, value: key.key, class: 'mono', 'aria-label': 'New API key',
    spellcheck: 'false'});
  const copied = h('span', {class: 'copied', role: 'status'});
  const copy = h('button', {type: 'button', class: 'btn btn-primary'}, 'Copy');
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(key.key);
      copied.textContent = 'Copied to the clipboard.';
    } catch {
      // Without clipboard access the key is selected, ready for Ctrl+C.
      value.select();
      copied.textContent = 'Press Ctrl+C (or ⌘C) to copy the selected key.';
    }
  });
  const done = h('button', {type: 'button', class: 'btn'}, 'Done');
  done.addEventListener('click', onDone);
  const panel = h('section', {class: 'reveal', 'aria-labelledby': 'reveal-title'},
    h('h2', {id: 'reveal-title', tabindex: '-1'}, `Key “${key.name}” created`),
    h('p', {}, h('strong', {}, 'Copy it now: it will not be shown again.'),
      ' Programs send it in the X-API-Key header.'),
    h('div', {class: 'copy-row'}, value, copy, done),
    copied);
  return panel;
}

export default {
  title: 'API keys',
  render(main) {
    const error = errorBox();
    const rows = h('tbody');
    const name = h('input', {type: 'text', name: 'name', maxlength: 100, placeholder: 'e.g. CI runner'});
    const format = h('select', {name: 'format'},
      h('option', {value: 'wrenn'}, 'Wrenn (wrn_…)'),
      h('option', {value: 'e2b'}, 'E2B-compatible (e2b_…)'));
    const create = h('button', {type: 'submit', class: 'btn btn-primary'}, 'Create key');
    const slot = h('div');
    const form = h('form', {class: 'inline-form', 'aria-label': 'Create an API key'},
      field('Name', name), field('Format', format), create);

    async function load() {
      try {
        const keys = await api('/v1/api-keys');
        replace(rows, keys.length === 0
          ? h('tr', {}, h('td', {colspan: 5, class: 'empty'}, 'No keys yet. Create one for your programs.'))
          : keys.map((k) => h('tr', {},
            h('td', {}, k.name),
            h('td', {}, h('code', {}, k.key_prefix)),
            h('td', {}, when(k.created_at)),
            h('td', {}, k.last_used ? when(k.last_used) : h('span', {class: 'muted'}, 'never')),
            h('td', {class: 'row-actions'}, h('button', {type: 'button', class: 'btn btn-small btn-danger',
              'aria-label': `Delete key ${k.name} (${k.key_prefix})`, onclick: (e) => remove(k, e.currentTarget)},
            'Delete')))));
      } catch (e) {
        error.show(e.message);
      }
    }

    async function remove(k, button) {
      const ok = await confirmDialog('Delete this API key?',
        `“${k.name}” (${k.key_prefix}) stops working at once for every program that uses it.`, 'Delete key');
      if (!ok) return;
      await busy(button, 'Deleting…', async () => {
        try {
          await api(`/v1/api-keys/${encodeURIComponent(k.id)}`, {method: 'DELETE'});
          announce(`Key ${k.name} deleted.`);
          await load();
          main.querySelector('h1').focus();
        } catch (e) {
          error.show(e.message);
        }
      });
    }

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      error.clear();
      await busy(create, 'Creating…', async () => {
        try {
          const key = await api('/v1/api-keys', {method: 'POST',
            json: {name: name.value.trim() || undefined, format: format.value}});
          name.value = '';
          const panel = revealed(key, () => {
            slot.replaceChildren();
            name.focus();
          });
          replace(slot, panel);
          panel.querySelector('h2').focus();
          await load();
        } catch (err) {
          error.show(err.message);
        }
      });
    });

    main.append(
      h('div', {class: 'page-head'}, h('h1', {tabindex: '-1'}, 'API keys')),
      h('p', {class: 'lede'}, 'Keys let programs (the SDKs, the CLI, scripts) use the API for your team.'
        + ' This dashboard uses your login session instead.'),
      h('section', {class: 'panel', 'aria-labelledby': 'new-key'}, h('h2', {id: 'new-key'}, 'New key'), form,
        h('p', {class: 'hint'}, 'Both formats work on every route; E2B’s SDKs before 2.46 accept only e2b_ keys.')),
      slot,
      error.el,
      table({text: 'Your team’s API keys'}, ['Name', 'Prefix', 'Created', 'Last used', 'Actions'], rows));
    load();
  },
};
