import {api} from '../lib/api.js';
import {badge, errorBox, field, h, replace, table} from '../lib/dom.js';
import {mib} from '../lib/format.js';
import {announce, poll} from '../lib/live.js';
import {when} from '../lib/when.js';

const LIVE = 'pending,running,paused';
const STATUSES = [
  [LIVE, 'Live (pending, running, paused)'],
  ['', 'All'],
  ['running', 'Running'],
  ['paused', 'Paused'],
  ['pending', 'Pending'],
  ['stopped', 'Stopped'],
  ['error', 'Error'],
];

/** The metadata filter as typed: "app=web, env=prod" becomes two key=value pairs. */
export function metadataPairs(text) {
  return text.split(/[,\n]/).map((p) => p.trim()).filter((p) => p.includes('=') && !p.startsWith('='));
}

function metadata(m) {
  const entries = Object.entries(m || {});
  if (entries.length === 0) return h('span', {class: 'muted'}, '—');
  return h('ul', {class: 'chips'}, entries.map(([k, v]) => h('li', {}, `${k}=${v}`)));
}

export default {
  title: 'Sandboxes',
  render(main, params, query) {
    const error = errorBox();
    const rows = h('tbody');
    const updated = h('p', {class: 'hint updated'});
    const status = h('select', {name: 'status'},
      STATUSES.map(([v, t]) => h('option', {value: v, selected: (query.get('status') ?? LIVE) === v}, t)));
    const template = h('select', {name: 'template'}, h('option', {value: ''}, 'Any'));
    const meta = h('input', {type: 'text', name: 'metadata', value: query.getAll('metadata').join(', '),
      placeholder: 'key=value, key=value'});
    const filters = h('form', {class: 'filters', role: 'search', 'aria-label': 'Filter sandboxes'},
      field('Status', status), field('Template', template), field('Metadata', meta),
      h('div', {class: 'field field-button'}, h('button', {type: 'submit', class: 'btn'}, 'Apply')));
    let known = null;

    function wanted() {
      const q = new URLSearchParams();
      if (status.value) q.set('status', status.value);
      if (template.value) q.set('template', template.value);
      for (const pair of metadataPairs(meta.value)) q.append('metadata', pair);
      return q;
    }

    async function load() {
      const q = wanted();
      try {
        const list = await api('/v1/sandboxes', {query: q});
        error.clear();
        // Changes of status are said aloud; the first load is not news.
        if (known) {
          for (const s of list) {
            const before = known.get(s.id);
            if (before && before !== s.status) announce(`Sandbox ${s.id} is now ${s.status}.`);
          }
        }
        known = new Map(list.map((s) => [s.id, s.status]));
        replace(rows, list.length === 0
          ? h('tr', {}, h('td', {colspan: 7, class: 'empty'}, 'No sandboxes match these filters.'))
          : list.map((s) => h('tr', {'data-id': s.id},
            h('th', {scope: 'row'}, h('a', {href: `/ui/sandboxes/${encodeURIComponent(s.id)}`, class: 'mono'}, s.id)),
            h('td', {}, badge(s.status)),
            h('td', {}, s.template),
            h('td', {class: 'num'}, s.vcpus),
            h('td', {class: 'num'}, mib(s.memory_mb)),
            h('td', {}, when(s.created_at)),
            h('td', {}, metadata(s.metadata)))));
        updated.textContent = `Updated ${new Date().toLocaleTimeString()} · refreshes every 3 s`;
      } catch (e) {
        error.show(e.message);
      }
    }

    filters.addEventListener('submit', (e) => {
      e.preventDefault();
      // The filters live in the address, so a reload or a shared link shows the same list.
      const q = wanted();
      if (!status.value) q.set('status', '');
      history.replaceState(null, '', `/ui/sandboxes${q.toString() ? '?' + q : ''}`);
      known = null;
      load();
    });

    api('/v1/snapshots').then((list) => {
      for (const t of list) {
        template.append(h('option', {value: t.name, selected: query.get('template') === t.name}, t.name));
      }
    }).catch(() => {});

    main.append(
      h('div', {class: 'page-head'},
        h('h1', {tabindex: '-1'}, 'Sandboxes'),
        h('a', {class: 'btn btn-primary', href: '/ui/sandboxes/new'}, 'New sandbox')),
      filters,
      error.el,
      table({text: 'Your team’s sandboxes'},
        ['ID', 'Status', 'Template', 'vCPUs', 'Memory', 'Created', 'Metadata'], rows),
      updated);
    if (query.has('template') && ![...template.options].some((o) => o.value === query.get('template'))) {
      template.append(h('option', {value: query.get('template'), selected: true}, query.get('template')));
    }
    return poll(load, 3000);
  },
};
