import {api} from '../lib/api.js';
import {busy, errorBox, field, h, replace, table} from '../lib/dom.js';
import {dateTime} from '../lib/format.js';

// The actions the audit log records (api/openapi.yaml, AuditEvent; the server's AuditAction).
const ACTIONS = ['signup', 'login_succeeded', 'login_failed', 'api_key_created', 'api_key_deleted', 'sandbox_created',
  'sandbox_destroyed', 'sandbox_network_updated', 'template_created', 'template_deleted', 'template_build_started',
  'template_build_cancelled'];

function detail(d) {
  const entries = Object.entries(d || {});
  return entries.length ? entries.map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`)
    .join(', ') : '—';
}

export default {
  title: 'Audit log',
  render(main, params, query) {
    const error = errorBox();
    const rows = h('tbody');
    const action = h('select', {name: 'action'}, h('option', {value: ''}, 'All actions'),
      ACTIONS.map((a) => h('option', {value: a, selected: query.get('action') === a}, a.replace(/_/g, ' '))));
    const more = h('button', {type: 'button', class: 'btn', hidden: true}, 'Load older events');
    let cursor = null;

    async function page(reset) {
      const q = {limit: 50};
      if (action.value) q.action = action.value;
      if (!reset && cursor) q.cursor = cursor;
      try {
        const res = await api('/v1/audit', {query: q, raw: true});
        const events = await res.json();
        cursor = res.headers.get('X-Next-Cursor');
        more.hidden = !cursor;
        const made = events.map((e) => h('tr', {},
          h('td', {}, h('time', {datetime: e.created_at}, dateTime(e.created_at))),
          h('td', {}, e.action.replace(/_/g, ' ')),
          h('td', {}, e.actor_type, e.actor_id ? h('span', {class: 'mono sub'}, ` ${e.actor_id}`) : ''),
          h('td', {class: 'mono'}, e.target_id || '—'),
          h('td', {class: 'mono'}, e.client_address || '—'),
          h('td', {}, detail(e.detail))));
        if (reset) {
          replace(rows, made.length ? made : h('tr', {}, h('td', {colspan: 6, class: 'empty'}, 'No events.')));
        } else {
          rows.append(...made);
        }
        error.clear();
      } catch (e) {
        error.show(e.message);
      }
    }

    const filters = h('form', {class: 'filters', role: 'search', 'aria-label': 'Filter the audit log'},
      field('Action', action),
      h('div', {class: 'field field-button'}, h('button', {type: 'submit', class: 'btn'}, 'Apply')));
    filters.addEventListener('submit', (e) => {
      e.preventDefault();
      history.replaceState(null, '', action.value ? `/ui/audit?action=${action.value}` : '/ui/audit');
      page(true);
    });
    more.addEventListener('click', () => busy(more, 'Loading…', () => page(false)));

    main.append(
      h('div', {class: 'page-head'}, h('h1', {tabindex: '-1'}, 'Audit log')),
      h('p', {class: 'lede'}, 'What happened in your team, newest first: sign-ins, keys, sandboxes and templates.'),
      filters, error.el,
      table({text: 'Audit events, newest first'}, ['Time', 'Action', 'Actor', 'Target', 'Address', 'Detail'], rows),
      more);
    page(true);
  },
};
