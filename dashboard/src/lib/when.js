import {h} from './dom.js';
import {ago, dateTime} from './format.js';

/** A <time> that reads "3 min ago", with the exact time in its title and datetime attribute. */
export function when(iso) {
  if (!iso) return h('span', {class: 'muted'}, '—');
  return h('time', {datetime: iso, title: dateTime(iso)}, ago(iso));
}
