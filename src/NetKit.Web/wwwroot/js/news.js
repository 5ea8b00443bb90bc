// News: the groups, a group's articles threaded by References (the server
// orders them and gives each its depth), and one article.
import { getJson, getText, query } from './api.js';
import { h, replace } from './dom.js';
import { count, date, number } from './format.js';
import { decodeSource } from './message.js';

const pageSize = 200;

function articleHref(group, number) {
  return `#/news/${encodeURIComponent(group)}/${number}`;
}

export function create() {
  const groupList = h('ul', { class: 'groups', testid: 'group-list' });
  const articles = h('div', { class: 'articles', testid: 'articles' });
  const article = h('article', { class: 'article', testid: 'article-view', hidden: true });
  const element = h('section', { class: 'page news', testid: 'news-page' },
    h('aside', { class: 'sidebar', 'aria-labelledby': 'groups-heading' }, h('h2', { id: 'groups-heading' }, 'Groups'), groupList),
    articles,
    article);
  let group = null;
  let shownNumber = null;
  let groups = [];

  async function loadGroups() {
    try {
      groups = (await getJson('/api/news/groups')).items ?? [];
      renderGroups();
    } catch (error) {
      replace(groupList, h('li', { class: 'error' }, error.message));
    }
  }

  function renderGroups() {
    if (groups.length === 0) {
      replace(groupList, h('li', { class: 'muted', testid: 'no-groups' }, 'No groups.'));
      return;
    }
    replace(groupList, groups.map(g => h('li', {},
      h('a', {
        href: `#/news/${encodeURIComponent(g.name)}`, testid: 'group-link', dataset: { group: g.name },
        'aria-current': g.name === group ? 'page' : null, title: g.description || null,
      }, h('span', {}, g.name), ' ', h('span', { class: 'badge' }, number(g.count)), g.moderated ? h('span', { class: 'muted' }, ' (moderated)') : null))));
  }

  async function loadArticles(name, offset = 0, shown = []) {
    replace(articles, h('h1', {}, name), h('p', { class: 'muted' }, 'Loading…'));
    try {
      const page = await getJson(query(`/api/news/groups/${encodeURIComponent(name)}/articles`, { limit: pageSize, offset }));
      const items = shown.concat(page.items ?? []);
      const more = h('button', { type: 'button', testid: 'articles-more', hidden: items.length >= page.total }, 'Show more');
      more.addEventListener('click', () => loadArticles(name, items.length, items));
      replace(articles,
        h('h1', { testid: 'group-name' }, name),
        h('p', { class: 'muted', testid: 'article-count' }, count(page.total, 'article')),
        items.length === 0 ? h('p', { class: 'muted', testid: 'no-articles' }, 'No articles.') : null,
        h('ol', { class: 'thread', testid: 'article-list', 'aria-label': `Articles in ${name}, threaded` }, items.map(item =>
          h('li', { testid: 'article-row', dataset: { number: item.number, depth: item.depth ?? 0 }, class: `depth-${Math.min(item.depth ?? 0, 12)}` },
            h('a', { href: articleHref(name, item.number), testid: 'article-link', 'aria-current': item.number === shownNumber ? 'true' : null },
              h('span', { class: 'subject' }, item.subject || '(no subject)'),
              h('span', { class: 'muted' }, ` — ${item.from ?? ''}, ${date(item.date)}`))))),
        more);
    } catch (error) {
      replace(articles, h('h1', {}, name), h('p', { class: 'error', testid: 'articles-error' }, error.message));
    }
  }

  async function loadArticle(name, n) {
    article.hidden = false;
    replace(article, h('p', { class: 'muted' }, 'Loading…'));
    try {
      const a = await getJson(`/api/news/groups/${encodeURIComponent(name)}/articles/${n}`);
      const source = h('pre', { class: 'raw', testid: 'article-raw' });
      const raw = h('details', {}, h('summary', {}, 'Source'), source);
      raw.addEventListener('toggle', async () => {
        if (!raw.open || source.textContent) return;
        try {
          source.textContent = decodeSource(await getText(`/api/news/groups/${encodeURIComponent(name)}/articles/${n}/raw`));
        } catch (error) {
          source.textContent = error.message;
        }
      });
      replace(article,
        h('h2', { testid: 'article-subject' }, a.subject || '(no subject)'),
        h('dl', { class: 'facts' },
          h('dt', {}, 'From'), h('dd', { testid: 'article-from' }, a.from ?? ''),
          h('dt', {}, 'Date'), h('dd', {}, date(a.date)),
          h('dt', {}, 'Message-ID'), h('dd', {}, h('code', {}, a.messageId ?? ''))),
        h('pre', { class: 'body-text', testid: 'article-text' }, a.text ?? ''),
        h('details', {}, h('summary', {}, 'Headers'),
          h('table', { class: 'grid headers', testid: 'article-headers' }, h('tbody', {}, (a.headers ?? []).map(header =>
            h('tr', {}, h('th', { scope: 'row' }, header.name), h('td', {}, header.value)))))),
        raw);
    } catch (error) {
      replace(article, h('p', { class: 'error', testid: 'article-error' }, error.status === 404 ? 'No such article.' : error.message));
    }
  }

  loadGroups();

  return {
    element,
    update(parts) {
      const [name, n] = parts;
      const nextNumber = n && /^\d+$/.test(n) ? Number(n) : null;
      const groupChanged = (name || null) !== group;
      group = name || null;
      shownNumber = nextNumber;
      element.classList.toggle('has-article', nextNumber !== null);
      renderGroups();
      if (!group) {
        replace(articles, h('h1', {}, 'News'), h('p', { class: 'muted' }, 'Choose a group.'));
      } else if (groupChanged) {
        loadArticles(group);
      } else {
        for (const link of articles.querySelectorAll('[data-testid="article-link"]')) {
          if (link.closest('li').dataset.number === String(nextNumber)) link.setAttribute('aria-current', 'true');
          else link.removeAttribute('aria-current');
        }
      }
      if (group && nextNumber !== null) loadArticle(group, nextNumber);
      else {
        article.hidden = true;
        replace(article);
      }
    },
  };
}
