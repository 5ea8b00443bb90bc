// One EventSource on /api/events for the whole page; views subscribe to its events.
// The browser reconnects by itself; the header's indicator shows the state.

const listeners = { message: new Set(), deleted: new Set() };
let source = null;

function indicate(state, text) {
  const indicator = document.querySelector('[data-testid="live-indicator"]');
  if (!indicator) return;
  indicator.dataset.state = state;
  indicator.textContent = text;
}

function dispatch(type, event) {
  let data;
  try {
    data = JSON.parse(event.data);
  } catch {
    return;
  }
  for (const listener of listeners[type]) listener(data);
}

export function connect() {
  if (source) return;
  source = new EventSource('/api/events');
  source.addEventListener('open', () => indicate('live', 'live'));
  source.addEventListener('error', () => indicate(source.readyState === EventSource.CLOSED ? 'closed' : 'connecting', source.readyState === EventSource.CLOSED ? 'offline' : 'reconnecting…'));
  source.addEventListener('message', event => dispatch('message', event));
  source.addEventListener('deleted', event => dispatch('deleted', event));
}

/** Calls `listener(data)` on each event of `type` ('message' or 'deleted'); returns the unsubscribe function. */
export function on(type, listener) {
  listeners[type].add(listener);
  return () => listeners[type].delete(listener);
}
