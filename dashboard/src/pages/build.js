import {api} from '../lib/api.js';
import {badge, busy, errorBox, h, replace} from '../lib/dom.js';
import {dateTime} from '../lib/format.js';
import {when} from '../lib/when.js';

const ENDED = ['ready', 'failed', 'cancelled'];

export default {
  title: (params) => `Build ${params.id}`,
  render(main, {id}) {
    const error = errorBox();
    const status = h('p', {class: 'status-line', role: 'status'});
    const facts = h('dl', {class: 'details'});
    const log = h('pre', {class: 'log', role: 'log', 'aria-label': 'Build log', tabindex: '0'});
    const cancel = h('button', {type: 'button', class: 'btn btn-danger', hidden: true}, 'Cancel build');
    const controller = new AbortController();
    let seq = 0;

    function show(b) {
      replace(status, 'Status: ', badge(b.status),
        b.failed_line ? ` at recipe line ${b.failed_line}` : '', b.error ? ` — ${b.error}` : '');
      const pairs = [
        ['Template', h('span', {class: 'mono'}, b.name)],
        ['From', h('span', {class: 'mono'}, b.from || '—')],
        ['Steps', `${b.steps_run ?? 0} run, ${b.steps_cached ?? 0} cached of ${b.steps_total ?? '?'}`],
        ['Created', when(b.created_at)],
        ['Finished', when(b.finished_at)],
      ];
      replace(facts, pairs.map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v))));
      cancel.hidden = ENDED.includes(b.status);
    }

    function line(entry) {
      seq = Math.max(seq, entry.seq || 0);
      const time = entry.at ? new Date(entry.at).toLocaleTimeString() : '';
      const text = entry.kind === 'step' ? `▶ ${entry.text}` : entry.text;
      log.append(h('span', {class: `log-${entry.kind}`, title: dateTime(entry.at)}, `${time}  ${text}\n`));
      log.scrollTop = log.scrollHeight;
    }

    // The log follows the NDJSON stream; a dropped connection picks up after the last entry seen.
    async function follow() {
      for (let attempt = 0; attempt < 20 && !controller.signal.aborted; attempt += 1) {
        let ended = false;
        try {
          const res = await api(`/v1/templates/builds/${encodeURIComponent(id)}/logs`, {raw: true,
            query: {follow: 'true', after: seq}, signal: controller.signal});
          const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
          let buffer = '';
          for (;;) {
            const {value, done} = await reader.read();
            if (done) break;
            buffer += value;
            let nl;
            while ((nl = buffer.indexOf('\n')) >= 0) {
              const text = buffer.slice(0, nl).trim();
              buffer = buffer.slice(nl + 1);
              if (!text) continue;
              const entry = JSON.parse(text);
              line(entry);
              if (entry.kind === 'end') ended = true;
            }
          }
        } catch (e) {
          if (e.name === 'AbortError') return;
          if (e.status) {
            error.show(e.message);
            return;
          }
        }
        if (ended) break;
      }
      try {
        show(await api(`/v1/templates/builds/${encodeURIComponent(id)}`));
      } catch (e) {
        error.show(e.message);
      }
    }

    cancel.addEventListener('click', () => busy(cancel, 'Cancelling…', async () => {
      try {
        show(await api(`/v1/templates/builds/${encodeURIComponent(id)}/cancel`, {method: 'POST'}));
      } catch (e) {
        error.show(e.message);
      }
    }));

    main.append(
      h('nav', {class: 'crumbs', 'aria-label': 'Breadcrumb'}, h('a', {href: '/ui/templates'}, 'Templates'),
        ` / build ${id}`),
      h('div', {class: 'page-head'}, h('h1', {tabindex: '-1'}, 'Template build'), cancel),
      status, error.el, facts,
      h('h2', {}, 'Log'), log);
    api(`/v1/templates/builds/${encodeURIComponent(id)}`).then((b) => {
      show(b);
      follow();
    }).catch((e) => error.show(e.status === 404 ? `Your team has no build ${id}.` : e.message));
    return () => controller.abort();
  },
};
