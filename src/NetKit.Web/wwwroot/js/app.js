// The console's router: hash routes (#/, #/mail/ID, #/news/GROUP/N, #/files/ROOT/PATH)
// choose a page; a page stays mounted while only its parameters change.
import * as dashboard from './dashboard.js';
import * as mail from './mail.js';
import * as news from './news.js';
import * as files from './files.js';
import { connect } from './events.js';
import { h, replace } from './dom.js';

const pages = { dashboard, mail, news, files };

function decode(part) {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** '#/news/comp.lang/5' → { section: 'news', parts: ['comp.lang', '5'] }. */
function route() {
  const parts = location.hash.replace(/^#\/?/, '').split('/').map(decode);
  const section = parts.shift() || 'dashboard';
  return { section, parts };
}

let current = null; // { section, page }

function show() {
  const main = document.getElementById('main');
  const { section, parts } = route();
  const module = pages[section];
  for (const link of document.querySelectorAll('[data-section]')) {
    if (link.dataset.section === section) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (!module) {
    current?.page.destroy?.();
    current = null;
    replace(main, h('section', { class: 'page', testid: 'not-found' },
      h('h1', {}, 'Not found'), h('p', {}, 'No page here. ', h('a', { href: '#/' }, 'Back to the dashboard'), '.')));
    return;
  }
  if (current?.section !== section) {
    current?.page.destroy?.();
    const page = module.create();
    current = { section, page };
    replace(main, page.element);
  }
  current.page.update(parts);
  document.title = `${section[0].toUpperCase()}${section.slice(1)} · NetKit console`;
}

connect();
window.addEventListener('hashchange', show);
show();
