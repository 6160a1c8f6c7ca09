import {api} from '../lib/api.js';
import {badge, busy, errorBox, field, h, replace, table} from '../lib/dom.js';
import {confirmDialog} from '../lib/dialog.js';
import {bytes, mib} from '../lib/format.js';
import {announce, poll} from '../lib/live.js';
import * as router from '../lib/router.js';
import {when} from '../lib/when.js';

const SAMPLE = 'FROM minimal\nRUN echo "built by Wrenn" > /etc/motd\n';

export default {
  title: 'Templates',
  render(main) {
    const error = errorBox();
    const rows = h('tbody');
    const buildRows = h('tbody');

    async function loadTemplates() {
      const list = await api('/v1/snapshots');
      replace(rows, list.map((t) => h('tr', {'data-name': t.name},
        h('th', {scope: 'row', class: 'mono'}, t.name),
        h('td', {}, t.type),
        h('td', {class: 'num'}, t.vcpus ?? '—'),
        h('td', {class: 'num'}, t.memory_mb ? mib(t.memory_mb) : '—'),
        h('td', {class: 'num'}, t.size_bytes ? bytes(t.size_bytes) : '—'),
        h('td', {}, when(t.created_at)),
        h('td', {class: 'row-actions'},
          h('a', {class: 'btn btn-small', href: `/ui/sandboxes/new?template=${encodeURIComponent(t.name)}`,
            'aria-label': `New sandbox from ${t.name}`}, 'New sandbox'),
          t.type === 'snapshot' ? h('button', {type: 'button', class: 'btn btn-small btn-danger',
            'aria-label': `Delete template ${t.name}`, onclick: (e) => remove(t, e.currentTarget)}, 'Delete')
            : null))));
    }

    async function loadBuilds() {
      const list = await api('/v1/templates/builds');
      replace(buildRows, list.length === 0
        ? h('tr', {}, h('td', {colspan: 5, class: 'empty'}, 'No builds yet.'))
        : list.map((b) => h('tr', {},
          h('th', {scope: 'row'}, h('a', {class: 'mono', href: `/ui/templates/builds/${encodeURIComponent(b.id)}`},
            b.id)),
          h('td', {class: 'mono'}, b.name),
          h('td', {}, badge(b.status)),
          h('td', {}, `${b.steps_run ?? 0} run, ${b.steps_cached ?? 0} cached of ${b.steps_total ?? '?'}`),
          h('td', {}, when(b.created_at)))));
    }

    async function load() {
      try {
        await Promise.all([loadTemplates(), loadBuilds()]);
      } catch (e) {
        error.show(e.message);
      }
    }

    async function remove(t, button) {
      const ok = await confirmDialog(`Delete the template ${t.name}?`,
        'Sandboxes can no longer start from it. Sandboxes started from it before are refused the delete.',
        'Delete template');
      if (!ok) return;
      await busy(button, 'Deleting…', async () => {
        try {
          await api(`/v1/snapshots/${encodeURIComponent(t.name)}`, {method: 'DELETE'});
          announce(`Template ${t.name} deleted.`);
          await load();
          main.querySelector('h1').focus();
        } catch (e) {
          error.show(e.message);
        }
      });
    }

    const name = h('input', {type: 'text', name: 'name', required: true, class: 'mono', spellcheck: 'false'});
    const recipe = h('textarea', {name: 'recipe', rows: 6, required: true, class: 'mono', spellcheck: 'false'});
    recipe.value = SAMPLE;
    const start = h('button', {type: 'submit', class: 'btn btn-primary'}, 'Start build');
    const buildError = errorBox();
    const form = h('form', {class: 'stack'},
      field('Template name', name),
      field('Recipe', recipe, 'A Dockerfile subset: FROM, RUN, ENV, WORKDIR, USER, CMD… (docs/templates.md).'),
      buildError.el,
      h('div', {class: 'actions actions-start'}, start));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      buildError.clear();
      await busy(start, 'Starting…', async () => {
        try {
          const b = await api('/v1/templates/builds', {method: 'POST',
            json: {name: name.value.trim(), recipe: recipe.value}});
          router.navigate(`/ui/templates/builds/${encodeURIComponent(b.id)}`);
        } catch (err) {
          buildError.show(err.message);
        }
      });
    });

    main.append(
      h('div', {class: 'page-head'}, h('h1', {tabindex: '-1'}, 'Templates')),
      h('p', {class: 'lede'}, 'Sandboxes start from templates: base images, sandboxes saved as templates, and'
        + ' templates built from recipes.'),
      error.el,
      table({text: 'Templates your team can use'},
        ['Name', 'Type', 'vCPUs', 'Memory', 'Size', 'Created', 'Actions'], rows),
      h('section', {class: 'panel', 'aria-labelledby': 'builds-title'},
        h('h2', {id: 'builds-title'}, 'Builds'),
        table({text: 'Template builds, newest first'}, ['Build', 'Template', 'Status', 'Steps', 'Created'],
          buildRows),
        h('details', {class: 'new-build'}, h('summary', {}, 'Build a template from a recipe'), form)));
    return poll(load, 5000);
  },
};
