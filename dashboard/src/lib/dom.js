// Building DOM nodes without innerHTML: every value from the API lands in a text node or an attribute, never in
// markup, so a sandbox's metadata or a file's name cannot inject anything into the page.

/**
 * h('button', {class: 'btn', onclick: f, disabled: true}, 'Save'): an element with attributes, event handlers
 * (on* keys), and children (strings, nodes, arrays; null, undefined and false are skipped).
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key === 'class') {
      el.className = value;
    } else if (key === 'value' && 'value' in el) {
      el.value = value;
    } else if (key === 'checked' || key === 'selected') {
      el[key] = Boolean(value);
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/** Replaces every child of {@code el}. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

let ids = 0;
/** A document-unique id, for label/for and aria-describedby pairs. */
export function uid(prefix = 'f') {
  ids += 1;
  return `${prefix}-${ids}`;
}

/** A labelled form field: the label, the control and an optional hint, tied together for assistive technology. */
export function field(label, control, hint) {
  const id = control.id || uid();
  control.id = id;
  let hintEl = null;
  if (hint) {
    hintEl = h('p', {class: 'hint', id: `${id}-hint`}, hint);
    control.setAttribute('aria-describedby', hintEl.id);
  }
  return h('div', {class: 'field'}, h('label', {for: id}, label), control, hintEl);
}

/** A status badge: the word itself carries the meaning, the colour only repeats it. */
export function badge(status) {
  return h('span', {class: `badge badge-${status}`}, status);
}

/** A region for errors: role=alert makes screen readers announce a message the moment it is shown. */
export function errorBox() {
  const box = h('div', {class: 'error', role: 'alert', hidden: true});
  return {
    el: box,
    show(message) {
      box.hidden = !message;
      replace(box, message || '');
    },
    clear() {
      box.hidden = true;
      box.replaceChildren();
    },
  };
}

/** Marks a button busy while {@code work} runs, so a double click cannot send the request twice. */
export async function busy(button, label, work) {
  const before = button.textContent;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  if (label) button.textContent = label;
  try {
    return await work();
  } finally {
    if (button.isConnected) {
      button.disabled = false;
      button.removeAttribute('aria-busy');
      button.textContent = before;
    }
  }
}

/**
 * A table inside a wrapper that scrolls sideways on narrow screens, with a caption for its name; {@code body} is a
 * <tbody> the caller fills (and refills on updates).
 */
export function table(caption, headers, body) {
  // Each cell carries its column's name, which narrow screens show beside the value (app.css).
  const label = () => {
    for (const row of body.rows) {
      if (row.cells.length !== headers.length) continue;
      [...row.cells].forEach((cell, i) => cell.setAttribute('data-label', headers[i]));
    }
  };
  new MutationObserver(label).observe(body, {childList: true});
  label();
  return h('div', {class: 'table-wrap'},
    h('table', {},
      h('caption', {class: caption.visible ? '' : 'visually-hidden'}, caption.text),
      h('thead', {}, h('tr', {}, headers.map((t) => h('th', {scope: 'col'}, t)))),
      body));
}
