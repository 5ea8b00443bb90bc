// Mail: the mailboxes, the messages newest first (searchable, updated live from
// /api/events), and the message chosen by #/mail/ID.
import { getJson, query, remove } from './api.js';
import { h, replace, toast } from './dom.js';
import { age, count as counted, date, number, size } from './format.js';
import { on } from './events.js';
import { messageView } from './message.js';

const pageSize = 50;
const searchFields = [
  ['q', 'Anything'], ['from', 'From'], ['to', 'To'], ['subject', 'Subject'], ['text', 'Text'],
];

function messageRow(message, fresh) {
  return h('li', { testid: 'message-row', dataset: { id: message.id }, class: fresh ? 'fresh' : null },
    h('a', { href: `#/mail/${message.id}`, class: 'row-link', testid: 'message-link' },
      h('span', { class: 'from', testid: 'row-from' }, message.from || '(no sender)'),
      h('time', { class: 'when', datetime: message.receivedAt ?? '', title: date(message.receivedAt) }, age(message.receivedAt)),
      h('span', { class: 'subject' },
        h('span', { testid: 'row-subject' }, message.subject || '(no subject)'),
        message.hasAttachments ? h('span', { class: 'tag', testid: 'row-attachments' }, 'attachment') : null),
      h('span', { class: 'to muted', testid: 'row-to' }, `to ${(message.to ?? []).join(', ')}`),
      h('span', { class: 'preview muted', testid: 'row-preview' }, message.preview ?? ''),
      h('span', { class: 'size muted' }, size(message.size))));
}

export function create() {
  const state = { account: '', mailbox: '', search: {}, offset: 0, items: [], total: 0 };

  const mailboxList = h('ul', { class: 'mailboxes', testid: 'mailbox-list' });
  const inputs = Object.fromEntries(searchFields.map(([name]) => [name,
    h('input', { type: 'search', name, id: `search-${name}`, autocomplete: 'off', testid: `search-${name}` })]));
  const form = h('form', { role: 'search', class: 'search', testid: 'mail-search', 'aria-label': 'Search messages' },
    h('div', { class: 'search-main' },
      h('label', { for: 'search-q' }, 'Search'), inputs.q,
      h('button', { type: 'submit', testid: 'search-submit' }, 'Search'),
      h('button', { type: 'reset', testid: 'search-reset' }, 'Clear')),
    h('details', { class: 'search-fields' },
      h('summary', {}, 'Search by field'),
      h('div', { class: 'field-grid' }, searchFields.slice(1).map(([name, label]) =>
        h('div', {}, h('label', { for: `search-${name}` }, label), inputs[name])))));
  const count = h('span', { testid: 'message-count', role: 'status' });
  const deleteAll = h('button', { type: 'button', class: 'danger', testid: 'delete-all' }, 'Delete all');
  const rows = h('ol', { class: 'messages', testid: 'message-list', 'aria-label': 'Messages, newest first' });
  const more = h('button', { type: 'button', testid: 'load-more', hidden: true }, 'Show more');
  const empty = h('p', { class: 'muted empty', testid: 'no-messages', hidden: true }, 'No messages.');
  const view = messageView({
    onDeleted: id => {
      dropRows([id]);
      location.hash = '#/mail';
    },
    onClose: () => { location.hash = '#/mail'; },
  });
  const element = h('section', { class: 'page mail', testid: 'mail-page' },
    h('aside', { class: 'sidebar', 'aria-labelledby': 'mailboxes-heading' },
      h('h2', { id: 'mailboxes-heading' }, 'Mailboxes'), mailboxList),
    h('div', { class: 'mail-list' },
      h('h1', { class: 'visually-hidden' }, 'Mail'),
      form,
      h('div', { class: 'toolbar' }, count, deleteAll),
      rows, empty, more),
    view.element);

  let loading = null;

  async function loadMailboxes() {
    try {
      const boxes = await getJson('/api/mailboxes');
      const all = (boxes.items ?? []).reduce((sum, box) => sum + (box.messageCount ?? 0), 0);
      const entry = (label, account, mailbox, testid, total) => {
        const button = h('button', {
          type: 'button', class: 'mailbox', testid, dataset: { account, mailbox },
          'aria-pressed': String(state.account === account && state.mailbox === mailbox),
        }, h('span', {}, label), ' ', h('span', { class: 'badge', testid: 'mailbox-count' }, number(total)));
        button.addEventListener('click', () => {
          state.account = account;
          state.mailbox = mailbox;
          loadMailboxes();
          loadMessages();
        });
        return h('li', {}, button);
      };
      replace(mailboxList,
        entry('All mail', '', '', 'mailbox-all', all),
        (boxes.items ?? []).map(box => entry(`${box.account} / ${box.name}`, box.account, box.name, 'mailbox-item', box.messageCount)));
    } catch (error) {
      replace(mailboxList, h('li', { class: 'error' }, error.message));
    }
  }

  async function loadMessages({ append = false, freshIds = new Set() } = {}) {
    loading?.abort();
    loading = new AbortController();
    const offset = append ? state.items.length : 0;
    try {
      const page = await getJson(query('/api/messages', {
        account: state.account, mailbox: state.mailbox, ...state.search, limit: pageSize, offset,
      }), { signal: loading.signal });
      state.items = append ? state.items.concat(page.items) : page.items;
      state.total = page.total;
      renderRows(freshIds);
    } catch (error) {
      if (error.name !== 'AbortError') toast(`Could not list the messages: ${error.message}`, 'error');
    }
  }

  function renderRows(freshIds = new Set()) {
    replace(rows, state.items.map(message => messageRow(message, freshIds.has(message.id))));
    markSelected();
    count.textContent = counted(state.total, 'message');
    empty.hidden = state.items.length > 0;
    more.hidden = state.items.length >= state.total;
    deleteAll.disabled = state.total === 0;
  }

  function markSelected() {
    for (const link of rows.querySelectorAll('a.row-link')) {
      if (link.closest('li').dataset.id === String(view.shown)) link.setAttribute('aria-current', 'true');
      else link.removeAttribute('aria-current');
    }
  }

  function dropRows(ids) {
    const gone = new Set(ids.map(String));
    const before = state.items.length;
    state.items = state.items.filter(message => !gone.has(String(message.id)));
    state.total = Math.max(0, state.total - (before - state.items.length));
    renderRows();
    if (view.shown !== null && gone.has(String(view.shown))) location.hash = '#/mail';
    loadMailboxes();
  }

  form.addEventListener('submit', event => {
    event.preventDefault();
    state.search = Object.fromEntries(searchFields.map(([name]) => [name, inputs[name].value.trim()]).filter(([, value]) => value));
    loadMessages();
  });
  form.addEventListener('reset', () => {
    state.search = {};
    setTimeout(loadMessages);
  });
  more.addEventListener('click', () => loadMessages({ append: true }));
  deleteAll.addEventListener('click', async () => {
    const scope = state.account ? `${state.account} / ${state.mailbox}` : 'every mailbox';
    if (!window.confirm(`Delete every message in ${scope}?`)) return;
    try {
      const result = await remove(query('/api/messages', { account: state.account, mailbox: state.mailbox }));
      toast(`Deleted ${counted(result?.deleted ?? 0, 'message')}.`);
      location.hash = '#/mail';
      state.items = [];
      state.total = 0;
      renderRows();
      await Promise.all([loadMailboxes(), loadMessages()]);
    } catch (error) {
      toast(`Could not delete: ${error.message}`, 'error');
    }
  });

  // New mail: list again (the server applies the search), marking what is new;
  // at most one reload per 200 ms, so a flood of deliveries does not flood the API.
  let pending = new Set();
  let reloadTimer = 0;
  const offMessage = on('message', summary => {
    pending.add(summary.id);
    if (reloadTimer) return;
    reloadTimer = setTimeout(() => {
      reloadTimer = 0;
      const fresh = pending;
      pending = new Set();
      loadMessages({ freshIds: fresh });
      loadMailboxes();
    }, 200);
  });
  const offDeleted = on('deleted', data => dropRows(data.ids ?? []));

  element.addEventListener('keydown', event => {
    if (event.key === 'Escape' && view.shown !== null && !event.target.closest('input')) location.hash = '#/mail';
  });

  loadMailboxes();
  loadMessages();

  return {
    element,
    update(parts) {
      const id = parts[0] && /^\d+$/.test(parts[0]) ? Number(parts[0]) : null;
      view.show(id).then(markSelected);
      element.classList.toggle('has-message', id !== null);
    },
    destroy() {
      offMessage();
      offDeleted();
      clearTimeout(reloadTimer);
      loading?.abort();
    },
  };
}
