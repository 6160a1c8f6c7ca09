// Background processes: start one, watch the live list, follow one's output, stop it.

import {api, sandboxPath, socket} from '../../lib/api.js';
import {busy, errorBox, field, h, replace, table} from '../../lib/dom.js';
import {announce, poll} from '../../lib/live.js';

const MAX_OUTPUT = 200_000;

export function mountProcesses(panel, id) {
  const error = errorBox();
  const rows = h('tbody');
  const cmd = h('input', {type: 'text', name: 'cmd', required: true, class: 'mono', spellcheck: 'false',
    placeholder: 'python3 -m http.server 8000'});
  const tag = h('input', {type: 'text', name: 'tag', placeholder: 'web'});
  const start = h('button', {type: 'submit', class: 'btn btn-primary'}, 'Start');
  const outputTitle = h('h3', {}, 'Output');
  const output = h('pre', {class: 'output', tabindex: '0', 'aria-label': 'Process output'});
  const outputBox = h('section', {class: 'output-box', hidden: true}, outputTitle, output);
  let follow = null;

  function attach(p) {
    if (follow) follow.close();
    outputBox.hidden = false;
    outputTitle.textContent = `Output of ${p.pid}${p.tag ? ` (${p.tag})` : ''}, from now on`;
    output.textContent = '';
    const ws = socket(sandboxPath(id, `/processes/${p.pid}/stream`));
    follow = ws;
    const decode = (m) => (m.encoding === 'base64' ? atob(m.data) : m.data);
    ws.onmessage = (e) => {
      const m = JSON.parse(e.data);
      if (m.type === 'stdout' || m.type === 'stderr' || m.type === 'pty') output.append(decode(m));
      else if (m.type === 'exit') output.append(`\n[exited with code ${m.exit_code}]\n`);
      else if (m.type === 'error') output.append(`\n[error: ${m.data}]\n`);
      if (output.textContent.length > MAX_OUTPUT) output.textContent = output.textContent.slice(-MAX_OUTPUT / 2);
      output.scrollTop = output.scrollHeight;
    };
    ws.onclose = () => {
      if (follow === ws) follow = null;
    };
  }

  async function signal(p, button) {
    await busy(button, 'Stopping…', async () => {
      try {
        await api(sandboxPath(id, `/processes/${p.pid}/signal`), {method: 'POST', json: {signal: 'SIGTERM'}});
        announce(`Sent SIGTERM to process ${p.pid}.`);
        await load();
      } catch (e) {
        error.show(e.message);
      }
    });
  }

  async function load() {
    try {
      const list = await api(sandboxPath(id, '/processes'));
      replace(rows, list.length === 0
        ? h('tr', {}, h('td', {colspan: 5, class: 'empty'}, 'No processes are running.'))
        : list.map((p) => h('tr', {},
          h('th', {scope: 'row', class: 'num'}, p.pid),
          h('td', {}, p.tag || h('span', {class: 'muted'}, '—')),
          h('td', {class: 'mono'}, [p.cmd, ...(p.args || [])].join(' ')),
          h('td', {}, p.running ? 'running' : `exited ${p.exit_code}`),
          h('td', {class: 'row-actions'},
            h('button', {type: 'button', class: 'btn btn-small', 'aria-label': `Follow the output of ${p.pid}`,
              onclick: () => attach(p)}, 'Output'),
            p.running ? h('button', {type: 'button', class: 'btn btn-small btn-danger',
              'aria-label': `Stop process ${p.pid}`, onclick: (e) => signal(p, e.currentTarget)}, 'Stop') : null))));
    } catch (e) {
      error.show(e.message);
    }
  }

  const command = field('Command', cmd);
  command.classList.add('grow');
  const form = h('form', {class: 'inline-form', 'aria-label': 'Start a background process'},
    command,
    field('Tag', tag),
    h('div', {class: 'field field-button'}, start));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.clear();
    if (!cmd.value.trim()) {
      error.show('Enter a command.');
      cmd.focus();
      return;
    }
    await busy(start, 'Starting…', async () => {
      try {
        const p = await api(sandboxPath(id, '/processes'), {method: 'POST',
          json: {cmd: cmd.value.trim(), tag: tag.value.trim() || undefined}});
        announce(`Started process ${p.pid}.`);
        cmd.value = '';
        tag.value = '';
        await load();
      } catch (err) {
        error.show(err.message);
      }
    });
  });

  panel.append(form,
    h('p', {class: 'hint form-hint'}, 'A shell command line. The process keeps running after you leave this page;'
      + ' its output shows from the moment you follow it.'),
    error.el,
    table({text: 'Running processes'}, ['PID', 'Tag', 'Command', 'State', 'Actions'], rows), outputBox);
  const stop = poll(load, 3000);
  return () => {
    stop();
    if (follow) follow.close();
  };
}
