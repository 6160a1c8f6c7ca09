// Tabs as the WAI-ARIA pattern has them: one tab stop for the tab list, arrow keys (and Home, End) between tabs,
// each panel labelled by its tab. A panel is built the first time it is shown and kept, so a terminal keeps its
// session while another tab is open.

import {h} from './dom.js';

/**
 * {@code items}: [{key, title, mount(panel)}], where mount returns a cleanup function or {shown(), dispose()}.
 * Returns {el, select(key), destroy()}.
 */
export function tabs(label, items, initial) {
  const list = h('div', {role: 'tablist', 'aria-label': label, class: 'tablist'});
  const panels = h('div', {class: 'tabpanels'});
  const mounted = new Map();
  const entries = items.map((item) => {
    const tab = h('button', {type: 'button', role: 'tab', id: `tab-${item.key}`, 'aria-controls': `panel-${item.key}`,
      'aria-selected': 'false', tabindex: '-1', class: 'tab'}, item.title);
    const panel = h('div', {role: 'tabpanel', id: `panel-${item.key}`, 'aria-labelledby': tab.id, hidden: true,
      class: 'tabpanel', tabindex: '0'});
    list.append(tab);
    panels.append(panel);
    return {item, tab, panel};
  });

  function select(key, focus = false) {
    for (const e of entries) {
      const on = e.item.key === key;
      e.tab.setAttribute('aria-selected', String(on));
      e.tab.tabIndex = on ? 0 : -1;
      e.panel.hidden = !on;
      if (on && !mounted.has(key)) {
        mounted.set(key, e.item.mount(e.panel) || null);
      } else if (on && mounted.get(key) && mounted.get(key).shown) {
        mounted.get(key).shown();
      }
      if (on && focus) e.tab.focus();
    }
  }

  list.addEventListener('click', (ev) => {
    const tab = ev.target.closest('[role=tab]');
    if (tab) select(entries.find((e) => e.tab === tab).item.key);
  });
  list.addEventListener('keydown', (ev) => {
    const i = entries.findIndex((e) => e.tab === document.activeElement);
    if (i < 0) return;
    const last = entries.length - 1;
    const to = {ArrowRight: i === last ? 0 : i + 1, ArrowLeft: i === 0 ? last : i - 1, Home: 0, End: last}[ev.key];
    if (to === undefined) return;
    ev.preventDefault();
    select(entries[to].item.key, true);
  });

  select(initial || items[0].key);
  return {
    el: h('div', {class: 'tabs'}, list, panels),
    select,
    destroy() {
      for (const cleanup of mounted.values()) {
        if (typeof cleanup === 'function') cleanup();
        else if (cleanup && cleanup.dispose) cleanup.dispose();
      }
      mounted.clear();
    },
  };
}
