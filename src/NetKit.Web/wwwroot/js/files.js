// Files: browse the FTP and Gopher roots served by `netkit serve`, download files.
import { getJson, segments } from './api.js';
import { h, replace } from './dom.js';
import { date, size } from './format.js';

const roots = [['ftp', 'FTP'], ['gopher', 'Gopher']];

function folderHref(root, path) {
  return `#/files/${root}/${path.map(encodeURIComponent).join('/')}`;
}

export function create() {
  const tabs = h('nav', { 'aria-label': 'Roots', class: 'roots', testid: 'file-roots' });
  const crumbs = h('nav', { 'aria-label': 'Folder', class: 'crumbs', testid: 'files-breadcrumb' });
  const content = h('div', { testid: 'file-content' });
  const element = h('section', { class: 'page files', testid: 'files-page' }, h('h1', {}, 'Files'), tabs, crumbs, content);
  let request = null;

  async function show(root, path) {
    replace(tabs, h('ul', {}, roots.map(([key, label]) => h('li', {},
      h('a', { href: `#/files/${key}/`, testid: `root-${key}`, 'aria-current': key === root ? 'page' : null }, label)))));
    replace(crumbs, h('ol', {},
      h('li', {}, h('a', { href: folderHref(root, []), testid: 'crumb' }, `${root}:/`)),
      path.map((name, i) => h('li', {}, h('a', { href: folderHref(root, path.slice(0, i + 1)), testid: 'crumb', 'aria-current': i === path.length - 1 ? 'page' : null }, name)))));
    request?.abort();
    request = new AbortController();
    replace(content, h('p', { class: 'muted' }, 'Loading…'));
    let listing;
    try {
      listing = await getJson(`/api/files/${root}/${segments(path)}`, { signal: request.signal });
    } catch (error) {
      if (error.name === 'AbortError') return;
      replace(content, h('p', { class: 'error', testid: 'files-error' },
        error.status === 404 ? `Nothing here (is the ${root} service serving a root?).` : error.message));
      return;
    }
    const items = [...(listing.items ?? [])].sort((a, b) =>
      (a.type === b.type ? 0 : a.type === 'dir' ? -1 : 1) || a.name.localeCompare(b.name));
    replace(content, h('div', { class: 'table-wrap' }, h('table', { class: 'grid', testid: 'file-list' },
      h('caption', { class: 'visually-hidden' }, `Contents of ${root}:/${path.join('/')}`),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col', class: 'num' }, 'Size'), h('th', { scope: 'col' }, 'Modified'))),
      h('tbody', {},
        path.length > 0 ? h('tr', {}, h('td', { colspan: 3 }, h('a', { href: folderHref(root, path.slice(0, -1)), testid: 'parent-folder' }, '↑ Parent folder'))) : null,
        items.length === 0 ? h('tr', {}, h('td', { colspan: 3, class: 'muted', testid: 'empty-folder' }, 'Empty folder.')) : null,
        items.map(item => {
          const target = path.concat(item.name);
          const link = item.type === 'dir'
            ? h('a', { href: folderHref(root, target), testid: 'folder-link', class: 'dir' }, `${item.name}/`)
            : h('a', { href: `/api/files/${root}/${segments(target)}`, download: item.name, testid: 'file-link', class: 'file' }, item.name);
          return h('tr', { testid: 'file-row', dataset: { name: item.name, type: item.type } },
            h('td', {}, link),
            h('td', { class: 'num' }, item.type === 'dir' ? '' : size(item.size)),
            h('td', {}, date(item.modified)));
        })))));
  }

  return {
    element,
    update(parts) {
      const root = roots.some(([key]) => key === parts[0]) ? parts[0] : 'ftp';
      show(root, parts.slice(1).filter(Boolean));
    },
    destroy() {
      request?.abort();
    },
  };
}
