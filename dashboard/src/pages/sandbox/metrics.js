// The sandbox's sampled use as three small inline SVG charts (no chart library: a polyline per series), each with a
// text alternative that says the latest value and the span shown.

import {api, sandboxPath} from '../../lib/api.js';
import {h, replace} from '../../lib/dom.js';
import {bytes} from '../../lib/format.js';
import {poll} from '../../lib/live.js';

const SVG = 'http://www.w3.org/2000/svg';
const W = 300;
const H = 72;

function svg(tag, attrs) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

/** Points of a series scaled into the chart's box: x by time, y by value over {@code max}. */
export function points(samples, value, max) {
  if (samples.length === 0) return '';
  // One sample is a level, drawn across the whole chart.
  if (samples.length === 1) samples = [samples[0], samples[0]];
  const t0 = Date.parse(samples[0].timestamp);
  const span = Math.max(Date.parse(samples[samples.length - 1].timestamp) - t0, 1);
  return samples.map((s, i) => {
    const x = i === samples.length - 1 ? W : ((Date.parse(s.timestamp) - t0) / span) * W;
    const y = H - (Math.min(Math.max(value(s), 0), max) / (max || 1)) * (H - 4) - 2;
    return `${x.toFixed(1)},${y.toFixed(1)}`;
  }).join(' ');
}

function chart(title, samples, value, max, label) {
  const latest = samples.length ? samples[samples.length - 1] : null;
  const minutes = samples.length > 1
    ? Math.max(1, Math.round((Date.parse(latest.timestamp) - Date.parse(samples[0].timestamp)) / 60000)) : 0;
  const text = latest ? label(latest) : 'no samples yet';
  const box = svg('svg', {viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none', class: 'spark', role: 'img',
    'aria-label': `${title}: ${text}${minutes ? `, over the last ${minutes} min` : ''}`});
  for (const f of [0.25, 0.5, 0.75]) box.append(svg('line', {x1: 0, x2: W, y1: H * f, y2: H * f, class: 'grid'}));
  const line = points(samples, value, max);
  if (line) {
    box.append(svg('polygon', {points: `0,${H} ${line} ${W},${H}`, class: 'area'}));
    box.append(svg('polyline', {points: line, class: 'line'}));
  }
  return h('figure', {class: 'metric'},
    h('figcaption', {}, h('span', {}, title), h('strong', {}, text)),
    box);
}

export function mountMetrics(container, id) {
  const charts = h('div', {class: 'metrics'});
  const note = h('p', {class: 'hint'});
  container.append(charts, note);
  async function load() {
    const start = Math.floor(Date.now() / 1000) - 15 * 60;
    const samples = await api(sandboxPath(id, '/metrics'), {query: {start}});
    replace(charts,
      chart('CPU', samples, (s) => s.cpu_used_pct, 100,
        (s) => `${s.cpu_used_pct.toFixed(1)} % of ${s.cpu_count} vCPU${s.cpu_count === 1 ? '' : 's'}`),
      chart('Memory', samples, (s) => s.mem_used, Math.max(...samples.map((s) => s.mem_total), 1),
        (s) => `${bytes(s.mem_used)} of ${bytes(s.mem_total)}`),
      chart('Disk', samples, (s) => s.disk_used, Math.max(...samples.map((s) => s.disk_total), 1),
        (s) => `${bytes(s.disk_used)} of ${bytes(s.disk_total)}`));
    const n = samples.length;
    note.textContent = n ? `${n} sample${n === 1 ? '' : 's'} from the last 15 minutes, one every few seconds.`
      : 'Samples appear a few seconds after the sandbox starts.';
  }
  return poll(load, 5000);
}
