import {api} from '../lib/api.js';
import {busy, errorBox, field, h, uid} from '../lib/dom.js';
import {flash} from '../lib/live.js';
import * as router from '../lib/router.js';

/** "key=value" lines into the metadata object; a line without '=' is an error naming it. */
export function parseMetadata(text) {
  const out = {};
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  for (const line of lines) {
    const i = line.indexOf('=');
    if (i <= 0) throw new Error(`Metadata line “${line}” is not key=value.`);
    out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}

function number(name, value, attrs = {}) {
  return h('input', {type: 'number', name, value, inputmode: 'numeric', ...attrs});
}

export default {
  title: 'New sandbox',
  render(main, params, query) {
    const error = errorBox();
    const template = h('select', {name: 'template', required: true});
    const vcpus = number('vcpus', 1, {min: 1, max: 128, required: true});
    const memory = number('memory_mb', 512, {min: 128, step: 128, required: true});
    const disk = number('disk_mb', '', {min: 1, placeholder: 'server default'});
    const idle = number('timeout_sec', 0, {min: 0});
    const ttl = number('ttl_sec', 0, {min: 0});
    const onTimeout = h('select', {name: 'on_timeout'},
      h('option', {value: 'kill'}, 'Destroy it'), h('option', {value: 'pause'}, 'Pause it'));
    const autoResume = h('input', {type: 'checkbox', name: 'auto_resume', id: uid('auto-resume')});
    const metadata = h('textarea', {name: 'metadata', rows: 3, placeholder: 'app=web\nowner=me', spellcheck: 'false'});
    const submit = h('button', {type: 'submit', class: 'btn btn-primary'}, 'Create sandbox');

    const form = h('form', {class: 'form-grid', novalidate: true},
      h('fieldset', {},
        h('legend', {}, 'Machine'),
        field('Template', template),
        field('vCPUs', vcpus),
        field('Memory (MiB)', memory),
        field('Disk (MiB)', disk, 'Empty: the server’s default size.')),
      h('fieldset', {},
        h('legend', {}, 'Lifetime'),
        field('Pause after inactivity (seconds)', idle, '0: never. Activity is any command or ping.'),
        field('Time to live (seconds)', ttl, '0: none. Counted from start and from every resume.'),
        field('When the time to live ends', onTimeout),
        h('div', {class: 'field field-check'}, autoResume,
          h('label', {for: autoResume.id}, 'Resume on incoming traffic'))),
      h('fieldset', {class: 'wide'},
        h('legend', {}, 'Metadata'),
        field('Key=value pairs', metadata, 'One per line; the sandbox list filters by them.')),
      error.el,
      h('div', {class: 'actions actions-start wide'}, submit,
        h('a', {class: 'btn', href: '/ui/sandboxes'}, 'Cancel')));

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      error.clear();
      let body;
      try {
        body = {
          template: template.value,
          vcpus: Number(vcpus.value),
          memory_mb: Number(memory.value),
          timeout_sec: Number(idle.value || 0),
          ttl_sec: Number(ttl.value || 0),
          on_timeout: onTimeout.value,
          auto_resume: autoResume.checked,
          metadata: parseMetadata(metadata.value),
        };
        if (disk.value) body.disk_mb = Number(disk.value);
        for (const [k, v] of Object.entries(body)) {
          if (typeof v === 'number' && (!Number.isInteger(v) || v < 0)) throw new Error(`${k} must be a whole number.`);
        }
      } catch (err) {
        error.show(err.message);
        return;
      }
      await busy(submit, 'Creating… (the VM boots)', async () => {
        try {
          const s = await api('/v1/sandboxes', {method: 'POST', json: body});
          flash(`Sandbox ${s.id} created.`);
          router.navigate(`/ui/sandboxes/${encodeURIComponent(s.id)}`);
        } catch (err) {
          error.show(err.message);
        }
      });
    });

    main.append(
      h('nav', {class: 'crumbs', 'aria-label': 'Breadcrumb'}, h('a', {href: '/ui/sandboxes'}, 'Sandboxes'), ' / New'),
      h('h1', {tabindex: '-1'}, 'New sandbox'),
      form);

    api('/v1/snapshots').then((list) => {
      const wantedName = query.get('template') || 'minimal';
      for (const t of list) {
        template.append(h('option', {value: t.name, selected: t.name === wantedName},
          `${t.name} (${t.type})`));
      }
    }).catch((e) => error.show(`Templates could not be listed: ${e.message}`));
  },
};
