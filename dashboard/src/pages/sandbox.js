import {api, sandboxPath} from '../lib/api.js';
import {badge, errorBox, h, replace} from '../lib/dom.js';
import {mib, seconds} from '../lib/format.js';
import {announce, poll} from '../lib/live.js';
import {tabs} from '../lib/tabs.js';
import {when} from '../lib/when.js';
import {actions} from './sandbox/actions.js';
import {mountFiles} from './sandbox/files.js';
import {mountMetrics} from './sandbox/metrics.js';
import {mountProcesses} from './sandbox/processes.js';
import {mountTerminal} from './sandbox/terminal.js';

function details(s) {
  const rows = [
    ['Template', s.template],
    ['vCPUs', s.vcpus],
    ['Memory', mib(s.memory_mb)],
    ['Disk', s.disk_mb ? mib(s.disk_mb) : '—'],
    ['Created', when(s.created_at)],
    ['Started', when(s.started_at)],
    ['Last active', when(s.last_active_at)],
    ['Pauses after inactivity', seconds(s.timeout_sec)],
    ['Time to live', s.ttl_sec ? `${seconds(s.ttl_sec)}, then ${s.on_timeout === 'pause' ? 'pause' : 'destroy'}`
      : 'none'],
    ['Ends', s.end_at ? when(s.end_at) : 'never'],
    ['Resumes on traffic', s.auto_resume ? 'yes' : 'no'],
    ['Internet access', s.network && s.network.allow_internet_access === false ? 'blocked' : 'allowed'],
    ['Guest address', s.guest_ip || '—'],
  ];
  const meta = Object.entries(s.metadata || {});
  const chips = h('ul', {class: 'chips'}, meta.map(([k, v]) => h('li', {}, `${k}=${v}`)));
  rows.push(['Metadata', meta.length ? chips : '—']);
  return h('dl', {class: 'details'}, rows.map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v))));
}

function gone(main, id) {
  document.title = 'Sandbox not found · Wrenn';
  replace(main,
    h('nav', {class: 'crumbs', 'aria-label': 'Breadcrumb'}, h('a', {href: '/ui/sandboxes'}, 'Sandboxes'), ` / ${id}`),
    h('div', {class: 'card'},
      h('h1', {tabindex: '-1'}, 'Sandbox not found'),
      h('p', {}, `Your team has no sandbox ${id}. It may have been removed, or the link is wrong.`),
      h('p', {}, h('a', {class: 'btn', href: '/ui/sandboxes'}, 'Back to the sandboxes'))));
  main.querySelector('h1').focus();
}

export default {
  title: (params) => `Sandbox ${params.id}`,
  render(main, {id}) {
    const error = errorBox();
    const statusLine = h('p', {class: 'status-line', role: 'status'});
    const toolbar = h('div');
    const info = h('section', {class: 'panel', 'aria-labelledby': 'details-title'});
    const usage = h('section', {class: 'panel', 'aria-labelledby': 'usage-title', hidden: true},
      h('h2', {id: 'usage-title'}, 'Usage'));
    const work = h('section', {class: 'panel work', 'aria-labelledby': 'work-title'});
    let last = null;
    let tools = null;
    let stopMetrics = null;

    function update(s) {
      if (last && last.status !== s.status) announce(`The sandbox is now ${s.status}.`);
      const changed = !last || last.status !== s.status;
      last = s;
      replace(statusLine, 'Status: ', badge(s.status));
      replace(info, h('h2', {id: 'details-title'}, 'Details'), details(s));
      if (!changed) return;
      replace(toolbar, actions(s, {changed: update, failed: (m) => error.show(m)}));
      const running = s.status === 'running';
      if (running && !stopMetrics) {
        usage.hidden = false;
        stopMetrics = mountMetrics(usage, id);
      }
      if (running && !tools) {
        tools = tabs('Sandbox tools', [
          {key: 'terminal', title: 'Terminal', mount: (p) => mountTerminal(p, id)},
          {key: 'files', title: 'Files', mount: (p) => mountFiles(p, id)},
          {key: 'processes', title: 'Processes', mount: (p) => mountProcesses(p, id)},
        ]);
        replace(work, h('h2', {id: 'work-title', class: 'visually-hidden'}, 'Work in the sandbox'), tools.el);
      } else if (!running) {
        if (tools) tools.destroy();
        tools = null;
        if (stopMetrics) stopMetrics();
        stopMetrics = null;
        usage.hidden = true;
        usage.replaceChildren(h('h2', {id: 'usage-title'}, 'Usage'));
        const why = {
          paused: 'The sandbox is paused: its memory and disk are saved. Resume it to use the terminal, files and'
            + ' processes again.',
          pending: 'The sandbox is starting.',
          stopped: 'This sandbox has been destroyed: its processes, files and memory are gone.',
          error: 'This sandbox failed. Destroy it to release what it holds.',
        }[s.status];
        replace(work, h('h2', {id: 'work-title'}, 'Terminal, files and processes'), h('p', {class: 'notice'}, why));
      }
    }

    async function refresh() {
      try {
        update(await api(sandboxPath(id)));
        error.clear();
      } catch (e) {
        if (e.status === 404) {
          stop();
          gone(main, id);
        } else {
          error.show(e.message);
        }
      }
    }

    main.append(
      h('nav', {class: 'crumbs', 'aria-label': 'Breadcrumb'}, h('a', {href: '/ui/sandboxes'}, 'Sandboxes'), ` / ${id}`),
      h('div', {class: 'page-head'}, h('h1', {tabindex: '-1', class: 'mono'}, id), toolbar),
      statusLine,
      error.el,
      work,
      usage,
      info);
    const stopPoll = poll(refresh, 3000);
    function stop() {
      stopPoll();
      if (stopMetrics) stopMetrics();
      if (tools) tools.destroy();
      stopMetrics = null;
      tools = null;
    }
    return stop;
  },
};
