// Dashboard: every running service, where it listens, its open and total
// connections (refreshed every two seconds), and what the stores hold.
import { getJson } from './api.js';
import { h, replace } from './dom.js';
import { count, date, duration, number } from './format.js';

const refreshMs = 2000;

export function create() {
  const facts = h('dl', { class: 'facts', testid: 'server-facts' });
  const rows = h('tbody', { testid: 'service-rows' });
  const totals = h('tr', { testid: 'service-totals' });
  const stores = h('dl', { class: 'facts', testid: 'store-facts' });
  const refreshed = h('p', { class: 'muted', testid: 'last-refresh', 'aria-live': 'off' });
  const element = h('section', { class: 'page', testid: 'dashboard' },
    h('h1', {}, 'Dashboard'),
    facts,
    h('h2', { id: 'services-heading' }, 'Services'),
    h('div', { class: 'table-wrap' },
      h('table', { class: 'grid', testid: 'service-table', 'aria-labelledby': 'services-heading' },
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col' }, 'Service'), h('th', { scope: 'col' }, 'Endpoint'),
          h('th', { scope: 'col', class: 'num' }, 'Open connections'), h('th', { scope: 'col', class: 'num' }, 'Total connections'))),
        rows,
        h('tfoot', {}, totals))),
    h('h2', {}, 'Stores'),
    stores,
    refreshed);

  let timer = 0;
  let started = false;
  let stopped = false;

  async function refresh() {
    try {
      const status = await getJson('/api/status');
      const since = new Date(status.startedAt);
      replace(facts,
        h('dt', {}, 'Version'), h('dd', { testid: 'version' }, status.version ?? ''),
        h('dt', {}, 'Started'), h('dd', { testid: 'started-at' }, date(status.startedAt)),
        h('dt', {}, 'Up'), h('dd', { testid: 'uptime' }, duration((Date.now() - since.getTime()) / 1000)));
      let active = 0;
      let total = 0;
      replace(rows, (status.services ?? []).map(service => {
        active += service.activeConnections ?? 0;
        total += service.totalConnections ?? 0;
        return h('tr', { testid: 'service-row', dataset: { service: service.service } },
          h('th', { scope: 'row', testid: 'service-name' }, service.service),
          h('td', { testid: 'service-endpoint' }, h('code', {}, service.endpoint)),
          h('td', { class: 'num', testid: 'service-active' }, number(service.activeConnections)),
          h('td', { class: 'num', testid: 'service-total' }, number(service.totalConnections)));
      }));
      replace(totals,
        h('th', { scope: 'row' }, 'All'), h('td', {}, count((status.services ?? []).length, 'listener')),
        h('td', { class: 'num', testid: 'total-active' }, number(active)),
        h('td', { class: 'num', testid: 'total-total' }, number(total)));
      await refreshStores();
      refreshed.textContent = `Updated ${new Date().toLocaleTimeString()}; refreshes every ${refreshMs / 1000} s.`;
      refreshed.classList.remove('error');
    } catch (error) {
      refreshed.textContent = `Could not read the status: ${error.message}`;
      refreshed.classList.add('error');
    }
  }

  async function refreshStores() {
    const parts = [];
    try {
      const mailboxes = await getJson('/api/mailboxes');
      const messages = (mailboxes.items ?? []).reduce((sum, box) => sum + (box.messageCount ?? 0), 0);
      const accounts = new Set((mailboxes.items ?? []).map(box => box.account)).size;
      parts.push(h('dt', {}, 'Mail'), h('dd', { testid: 'mail-summary' },
        h('a', { href: '#/mail' }, `${count(messages, 'message')} in ${count(mailboxes.total ?? 0, 'mailbox', 'mailboxes')} of ${count(accounts, 'account')}`)));
    } catch (error) {
      parts.push(h('dt', {}, 'Mail'), h('dd', {}, error.message));
    }
    try {
      const groups = await getJson('/api/news/groups');
      const articles = (groups.items ?? []).reduce((sum, group) => sum + (group.count ?? 0), 0);
      parts.push(h('dt', {}, 'News'), h('dd', { testid: 'news-summary' },
        h('a', { href: '#/news' }, `${count(articles, 'article')} in ${count(groups.total ?? 0, 'group')}`)));
    } catch (error) {
      parts.push(h('dt', {}, 'News'), h('dd', {}, error.message));
    }
    replace(stores, parts);
  }

  async function loop() {
    await refresh();
    if (!stopped) timer = setTimeout(loop, refreshMs);
  }

  return {
    element,
    update() {
      if (!started) {
        started = true;
        loop();
      }
    },
    destroy() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
