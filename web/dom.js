// Building DOM nodes. Every value from the server goes in as a text node or an attribute,
// never as markup: workspace names, tags and log lines are user input.

// h('button', {class: 'primary', onclick: fn, disabled: true}, 'Save', childNode, ...)
// Attributes: `class`, `on<event>` handlers, booleans (set when true), `dataset`, the rest as
// attributes. Children: strings (text), nodes, arrays, null/undefined/false (skipped).
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value);
    } else if (name === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (value === true) {
      el.setAttribute(name, '');
    } else {
      el.setAttribute(name, String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(parent, ...children) {
  for (const child of [children].flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

// A table with a header row; `rows` are arrays of cells (strings or nodes).
export function table(label, headers, rows, empty = 'Nothing here yet.') {
  if (rows.length === 0) return h('p', {class: 'empty'}, empty);
  return h(
    'table',
    {'aria-label': label},
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        headers.map((t) => h('th', {scope: 'col'}, t)),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((cells) =>
        h(
          'tr',
          {},
          cells.map((c) => h('td', {}, c)),
        ),
      ),
    ),
  );
}

// A status badge: the class picks the colour, the text says it (colour is never the only cue).
export function badge(status) {
  return h('span', {class: `badge status-${String(status).replace(/[^a-z_]/g, '')}`}, status);
}

// An error box for a failed request; role=alert so screen readers announce it.
export function errorBox(err) {
  return h('div', {class: 'error', role: 'alert'}, err && err.message ? err.message : String(err));
}

// A modal <dialog> with a title, body nodes and buttons; resolves when it closes. Escape and
// the Cancel button close it; focus returns to the element that opened it.
export function openDialog(title, body, {onClose} = {}) {
  const opener = document.activeElement;
  const heading = h('h2', {id: 'dialog-title'}, title);
  const dialog = h('dialog', {'aria-labelledby': 'dialog-title'}, heading, body);
  document.body.append(dialog);
  dialog.addEventListener('close', () => {
    dialog.remove();
    if (onClose) onClose();
    if (opener && opener.isConnected) opener.focus();
  });
  dialog.showModal();
  return dialog;
}
