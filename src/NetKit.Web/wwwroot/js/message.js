// One message: its headers at the top, then tabs for the HTML part (in a
// sandboxed iframe, remote content blocked until asked for), the plain text,
// every header, the raw source and the attachments.
import { getJson, getText, remove } from './api.js';
import { h, replace, toast } from './dom.js';
import { date, list, size } from './format.js';
import { tabs } from './tabs.js';

function field(label, value, testid) {
  if (value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) return null;
  return [h('dt', {}, label), h('dd', { testid }, list(value))];
}

function htmlPanel(message) {
  const base = `/api/messages/${message.id}/html`;
  // An empty sandbox: no scripts, no forms, no popups, no top navigation, an opaque origin.
  // The server's own CSP on that response blocks remote loads as well, unless ?remote=1.
  const frame = h('iframe', {
    sandbox: '', referrerpolicy: 'no-referrer', src: base, title: `HTML part of “${message.subject ?? ''}”`,
    class: 'html-frame', testid: 'html-frame', loading: 'eager',
  });
  const state = h('span', { class: 'muted', testid: 'remote-state' }, 'Remote content is blocked.');
  const toggle = h('button', { type: 'button', 'aria-pressed': 'false', testid: 'load-remote' }, 'Load remote content');
  toggle.addEventListener('click', () => {
    const on = toggle.getAttribute('aria-pressed') !== 'true';
    toggle.setAttribute('aria-pressed', String(on));
    toggle.textContent = on ? 'Block remote content' : 'Load remote content';
    state.textContent = on ? 'Remote content is loaded.' : 'Remote content is blocked.';
    frame.src = on ? `${base}?remote=1` : base;
  });
  return h('div', {}, h('div', { class: 'toolbar' }, toggle, state), frame);
}

function textPanel(message) {
  return h('pre', { class: 'body-text', testid: 'message-text' }, message.text ?? '');
}

function headersPanel(message) {
  return h('table', { class: 'grid headers', testid: 'message-headers' },
    h('caption', { class: 'visually-hidden' }, 'Every header, in order'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Value'))),
    h('tbody', {}, (message.headers ?? []).map(header =>
      h('tr', { testid: 'header-row' }, h('th', { scope: 'row' }, header.name), h('td', {}, header.value)))));
}

/**
 * The source is bytes: UTF-8 when it is valid UTF-8, else the first charset= it
 * names (8bit Windows-1251, KOI8-R ...), else Windows-1252, which maps every byte.
 */
export function decodeSource(bytes) {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const named = /charset\s*=\s*"?([A-Za-z0-9_.:-]+)/i.exec(new TextDecoder('windows-1252').decode(bytes))?.[1];
    try {
      return new TextDecoder(named ?? 'windows-1252').decode(bytes);
    } catch {
      return new TextDecoder('windows-1252').decode(bytes);
    }
  }
}

function rawPanel(message) {
  const source = h('pre', { class: 'raw', testid: 'message-raw' }, 'Loading…');
  getText(`/api/messages/${message.id}/raw`).then(bytes => {
    source.textContent = decodeSource(bytes);
  }, error => {
    source.textContent = `Could not load the source: ${error.message}`;
  });
  return h('div', {},
    h('div', { class: 'toolbar' }, h('a', { href: `/api/messages/${message.id}/raw?download=1`, download: `message-${message.id}.eml`, testid: 'download-raw' }, 'Download .eml')),
    source);
}

function attachmentsPanel(message) {
  const attachments = message.attachments ?? [];
  if (attachments.length === 0) return h('p', { class: 'muted', testid: 'no-attachments' }, 'No attachments.');
  return h('ul', { class: 'attachments', testid: 'attachment-list' }, attachments.map(attachment =>
    h('li', { testid: 'attachment' },
      h('a', {
        href: `/api/messages/${message.id}/parts/${attachment.index}`, download: attachment.fileName || `part-${attachment.index}`,
        testid: 'attachment-link', dataset: { index: attachment.index },
      }, attachment.fileName || `part ${attachment.index}`),
      ' ', h('span', { class: 'muted' }, `${attachment.contentType ?? ''} · ${size(attachment.size)}`))));
}

/** The message view: shows message `id` (or nothing), `onDeleted(id)` after a delete. */
export function messageView({ onDeleted, onClose }) {
  const element = h('article', { class: 'message', testid: 'message-view', 'aria-label': 'Message', hidden: true });
  let shown = null;
  let loading = null;

  async function show(id) {
    if (id === null) {
      shown = null;
      element.hidden = true;
      replace(element);
      return;
    }
    if (shown === id) return;
    shown = id;
    element.hidden = false;
    loading?.abort();
    loading = new AbortController();
    replace(element, h('p', { class: 'muted' }, 'Loading…'));
    let message;
    try {
      message = await getJson(`/api/messages/${id}`, { signal: loading.signal });
    } catch (error) {
      if (error.name === 'AbortError') return;
      replace(element, h('p', { class: 'error', testid: 'message-error' }, error.status === 404 ? 'This message is gone.' : error.message));
      return;
    }
    render(message);
  }

  function render(message) {
    const deleteButton = h('button', { type: 'button', class: 'danger', testid: 'delete-message' }, 'Delete');
    deleteButton.addEventListener('click', async () => {
      deleteButton.disabled = true;
      try {
        await remove(`/api/messages/${message.id}`);
        toast('Message deleted.');
        onDeleted(message.id);
      } catch (error) {
        toast(`Could not delete: ${error.message}`, 'error');
        deleteButton.disabled = false;
      }
    });
    const close = h('button', { type: 'button', testid: 'close-message', 'aria-label': 'Close the message' }, 'Close');
    close.addEventListener('click', () => onClose());
    const attachmentCount = (message.attachments ?? []).length;
    const definitions = [
      message.hasHtml ? { key: 'html', label: 'HTML', render: () => htmlPanel(message) } : null,
      { key: 'text', label: 'Text', render: () => textPanel(message) },
      { key: 'headers', label: 'Headers', render: () => headersPanel(message) },
      { key: 'raw', label: 'Source', render: () => rawPanel(message) },
      { key: 'attachments', label: `Attachments (${attachmentCount})`, render: () => attachmentsPanel(message) },
    ].filter(Boolean);
    const views = tabs(definitions, { label: 'Message parts', initial: message.hasHtml ? 'html' : 'text', testid: 'message-tabs' });
    replace(element,
      h('header', { class: 'message-head' },
        h('div', { class: 'toolbar end' }, close, deleteButton),
        h('h2', { testid: 'message-subject', dataset: { id: message.id } }, message.subject || '(no subject)'),
        h('dl', { class: 'facts' },
          field('From', message.from, 'message-from'),
          field('To', message.to, 'message-to'),
          field('Cc', message.cc, 'message-cc'),
          field('Date', date(message.date), 'message-date'),
          field('Received', date(message.receivedAt), 'message-received'),
          field('Mailbox', `${message.account} / ${message.mailbox}`, 'message-mailbox'),
          field('Size', size(message.size), 'message-size'))),
      views.element);
  }

  return { element, show, get shown() { return shown; } };
}
