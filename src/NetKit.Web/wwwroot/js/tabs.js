// Accessible tabs (WAI-ARIA tabs pattern): arrow keys, Home and End move between
// tabs; a panel is built the first time its tab is chosen.
import { h } from './dom.js';

let sequence = 0;

/**
 * tabs([{ key, label, render: () => Node }], { label, initial, testid })
 * → { element, select(key) }. Tab buttons carry data-testid="tab-KEY", panels "panel-KEY".
 */
export function tabs(definitions, { label, initial, testid } = {}) {
  const id = `tabs${++sequence}`;
  const list = h('div', { role: 'tablist', 'aria-label': label, class: 'tablist', testid });
  const panels = h('div', { class: 'tabpanels' });
  const entries = definitions.map(definition => {
    const tab = h('button', {
      type: 'button', role: 'tab', id: `${id}-tab-${definition.key}`, 'aria-controls': `${id}-panel-${definition.key}`,
      'aria-selected': 'false', tabindex: '-1', testid: `tab-${definition.key}`,
    }, definition.label);
    const panel = h('div', {
      role: 'tabpanel', id: `${id}-panel-${definition.key}`, 'aria-labelledby': tab.id, tabindex: '0',
      hidden: true, testid: `panel-${definition.key}`, class: 'tabpanel',
    });
    list.append(tab);
    panels.append(panel);
    return { ...definition, tab, panel, built: false };
  });

  function select(key, focus = false) {
    for (const entry of entries) {
      const chosen = entry.key === key;
      entry.tab.setAttribute('aria-selected', String(chosen));
      entry.tab.tabIndex = chosen ? 0 : -1;
      entry.panel.hidden = !chosen;
      if (chosen && !entry.built) {
        entry.built = true;
        entry.panel.append(entry.render());
      }
      if (chosen && focus) entry.tab.focus();
    }
  }

  list.addEventListener('click', event => {
    const entry = entries.find(e => e.tab === event.target.closest('[role="tab"]'));
    if (entry) select(entry.key);
  });
  list.addEventListener('keydown', event => {
    const index = entries.findIndex(e => e.tab === document.activeElement);
    if (index < 0) return;
    const moves = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: entries.length - 1 };
    if (!(event.key in moves)) return;
    event.preventDefault();
    select(entries[(moves[event.key] + entries.length) % entries.length].key, true);
  });

  select(initial ?? entries[0]?.key);
  return { element: h('div', { class: 'tabs' }, list, panels), select };
}
