// Builds DOM nodes without ever parsing HTML: every string becomes a text node
// or an attribute value, so nothing a message carries can turn into markup.

/**
 * h('a', { href: '#/', testid: 'x', onclick: fn, class: 'c' }, 'text', child, [more])
 * Attributes: `class`, `testid` (data-testid), `text` (textContent), `on*` functions
 * (listeners), `dataset` (object), booleans (present when true), anything else as is.
 */
export function h(tag, attributes, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'class') element.className = value;
    else if (name === 'testid') element.dataset.testid = value;
    else if (name === 'text') element.textContent = value;
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

/** Appends strings (as text), nodes and nested arrays; skips null/undefined/false. */
export function append(parent, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/** Replaces every child of `parent` with `children`. */
export function replace(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

/** Shows a short message in the page's alert region (errors, results of deletes). */
export function toast(message, kind = 'info') {
  const region = document.querySelector('[data-testid="toast"]');
  if (!region) return;
  region.textContent = message;
  region.dataset.kind = kind;
  region.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { region.hidden = true; }, 5000);
}
