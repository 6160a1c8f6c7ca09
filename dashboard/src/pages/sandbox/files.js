// The sandbox's file system: browse folders, upload into the one shown, download or delete a file.

import {api, sandboxPath} from '../../lib/api.js';
import {busy, errorBox, h, replace, table, uid} from '../../lib/dom.js';
import {confirmDialog} from '../../lib/dialog.js';
import {bytes} from '../../lib/format.js';
import {announce} from '../../lib/live.js';
import {when} from '../../lib/when.js';

/** The folder above {@code path} ("/" stays "/"). */
export function parent(path) {
  const trimmed = path.replace(/\/+$/, '');
  const i = trimmed.lastIndexOf('/');
  return i <= 0 ? '/' : trimmed.slice(0, i);
}

export function join(dir, name) {
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

/** Saves a Blob under {@code name} through a temporary link (the way a browser downloads fetched bytes). */
function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = h('a', {href: url, download: name, hidden: true});
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function mountFiles(panel, id) {
  const error = errorBox();
  const rows = h('tbody');
  const pathInput = h('input', {type: 'text', name: 'path', value: '/root', class: 'mono', spellcheck: 'false',
    id: uid('folder')});
  const fileInput = h('input', {type: 'file', name: 'file', id: uid('upload'), required: true});
  const upload = h('button', {type: 'submit', class: 'btn btn-primary'}, 'Upload');
  const status = h('p', {class: 'hint', role: 'status'});
  let dir = '/root';

  async function list(to = dir) {
    error.clear();
    try {
      const entries = await api(sandboxPath(id, '/fs/list'), {query: {path: to}});
      dir = to;
      pathInput.value = to;
      entries.sort((a, b) => (a.type === 'directory') === (b.type === 'directory')
        ? a.name.localeCompare(b.name) : a.type === 'directory' ? -1 : 1);
      const up = to === '/' ? [] : [h('tr', {},
        h('td', {colspan: 5}, h('button', {type: 'button', class: 'link', onclick: () => list(parent(to))},
          '↑ Parent folder')))];
      replace(rows, up, entries.length === 0 && up.length === 0
        ? h('tr', {}, h('td', {colspan: 5, class: 'empty'}, 'This folder is empty.'))
        : entries.map((e) => h('tr', {},
          h('th', {scope: 'row'}, e.type === 'directory'
            ? h('button', {type: 'button', class: 'link', onclick: () => list(e.path)}, `${e.name}/`)
            : h('span', {class: 'mono'}, e.name)),
          h('td', {}, e.type),
          h('td', {class: 'num'}, e.type === 'file' ? bytes(e.size) : ''),
          h('td', {}, when(e.modified)),
          h('td', {class: 'row-actions'}, e.type === 'file' ? [
            h('button', {type: 'button', class: 'btn btn-small', 'aria-label': `Download ${e.name}`,
              onclick: (ev) => download(e, ev.currentTarget)}, 'Download'),
            h('button', {type: 'button', class: 'btn btn-small btn-danger', 'aria-label': `Delete ${e.name}`,
              onclick: (ev) => remove(e, ev.currentTarget)}, 'Delete'),
          ] : null))));
      status.textContent = `${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} in ${to}`;
    } catch (e) {
      error.show(e.message);
    }
  }

  async function download(entry, button) {
    await busy(button, 'Downloading…', async () => {
      try {
        const res = await api(sandboxPath(id, '/files/read'), {method: 'POST', json: {path: entry.path}, raw: true});
        save(await res.blob(), entry.name);
        announce(`Downloaded ${entry.name}.`);
      } catch (e) {
        error.show(e.message);
      }
    });
  }

  async function remove(entry, button) {
    if (!await confirmDialog(`Delete ${entry.name}?`, `${entry.path} is removed from the sandbox.`, 'Delete')) return;
    await busy(button, 'Deleting…', async () => {
      try {
        await api(sandboxPath(id, '/fs/remove'), {method: 'POST', json: {path: entry.path}});
        announce(`Deleted ${entry.name}.`);
        await list();
      } catch (e) {
        error.show(e.message);
      }
    });
  }

  const go = h('form', {class: 'inline-form', 'aria-label': 'Open a folder'},
    h('div', {class: 'field grow'}, h('label', {for: pathInput.id}, 'Folder'), pathInput),
    h('div', {class: 'field field-button'}, h('button', {type: 'submit', class: 'btn'}, 'Open')));
  go.addEventListener('submit', (e) => {
    e.preventDefault();
    list(pathInput.value.trim() || '/');
  });

  const send = h('form', {class: 'inline-form', 'aria-label': 'Upload a file'},
    h('div', {class: 'field grow'}, h('label', {for: fileInput.id}, 'Upload a file to this folder'), fileInput),
    h('div', {class: 'field field-button'}, upload));
  send.addEventListener('submit', async (e) => {
    e.preventDefault();
    const file = fileInput.files[0];
    if (!file) {
      error.show('Choose a file to upload.');
      fileInput.focus();
      return;
    }
    await busy(upload, 'Uploading…', async () => {
      const form = new FormData();
      // The path first: the server then streams the file straight to the sandbox.
      form.append('path', join(dir, file.name));
      form.append('file', file, file.name);
      try {
        await api(sandboxPath(id, '/files/write'), {method: 'POST', body: form});
        fileInput.value = '';
        announce(`Uploaded ${file.name} to ${dir}.`);
        await list();
      } catch (err) {
        error.show(err.message);
      }
    });
  });

  panel.append(go, send, error.el,
    table({text: 'Folder contents'}, ['Name', 'Type', 'Size', 'Modified', 'Actions'], rows), status);
  list();
}
