// What can be done to a sandbox as a whole: pause, resume, save as a template, destroy. Each button exists only
// in the states where the API allows it.

import {api, sandboxPath} from '../../lib/api.js';
import {busy, field, h} from '../../lib/dom.js';
import {confirmDialog, openDialog} from '../../lib/dialog.js';
import {flash} from '../../lib/live.js';
import * as router from '../../lib/router.js';

const TEMPLATE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The buttons for sandbox {@code s}; {@code changed(sandbox)} gets the answer of pause and resume. */
export function actions(s, {changed, failed}) {
  const id = s.id;
  const run = (button, label, work) => busy(button, label, async () => {
    try {
      await work();
    } catch (e) {
      failed(e.message);
    }
  });

  const pause = h('button', {type: 'button', class: 'btn'}, 'Pause');
  pause.addEventListener('click', () => run(pause, 'Pausing…', async () => {
    changed(await api(sandboxPath(id, '/pause'), {method: 'POST'}));
  }));

  const resume = h('button', {type: 'button', class: 'btn btn-primary'}, 'Resume');
  resume.addEventListener('click', () => run(resume, 'Resuming…', async () => {
    changed(await api(sandboxPath(id, '/resume'), {method: 'POST'}));
  }));

  const snapshot = h('button', {type: 'button', class: 'btn'}, 'Save as template');
  snapshot.addEventListener('click', async () => {
    const name = h('input', {type: 'text', name: 'name', required: true, class: 'mono', spellcheck: 'false',
      value: `${s.template}-${id.slice(-6)}`.replace(/[^A-Za-z0-9._-]/g, '-')});
    const data = await openDialog({
      title: 'Save this sandbox as a template',
      body: [
        h('p', {}, 'The sandbox is paused, saved as a template that new sandboxes start from, and then destroyed.'),
        field('Template name', name, 'Letters, digits, dot, dash and underscore; up to 64.'),
      ],
      confirm: 'Save template',
      validate: (d) => (TEMPLATE_NAME.test(d.get('name')) ? null : 'Use letters, digits, dot, dash and underscore.'),
    });
    if (!data) return;
    await run(snapshot, 'Saving…', async () => {
      const t = await api('/v1/snapshots', {method: 'POST', json: {sandbox_id: id, name: data.get('name')}});
      flash(`Sandbox ${id} was saved as the template ${t.name}.`);
      router.navigate('/ui/templates');
    });
  });

  const destroy = h('button', {type: 'button', class: 'btn btn-danger'}, 'Destroy');
  destroy.addEventListener('click', async () => {
    const ok = await confirmDialog('Destroy this sandbox?',
      `${id} stops for good: its processes, files and memory are gone.`, 'Destroy sandbox');
    if (!ok) return;
    await run(destroy, 'Destroying…', async () => {
      await api(sandboxPath(id), {method: 'DELETE'});
      flash(`Sandbox ${id} was destroyed.`);
      router.navigate('/ui/sandboxes');
    });
  });

  const shown = {
    running: [pause, snapshot, destroy],
    paused: [resume, destroy],
    pending: [destroy],
    error: [destroy],
    stopped: [],
  }[s.status] || [];
  return h('div', {class: 'toolbar', role: 'group', 'aria-label': 'Sandbox actions'}, shown);
}
