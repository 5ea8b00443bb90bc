// Display helpers: sizes, dates, addresses.

const units = ['B', 'KiB', 'MiB', 'GiB'];

export function size(bytes) {
  if (bytes === null || bytes === undefined) return '';
  let value = Number(bytes);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** A date as the reader's locale shows it; the ISO text in `title`-friendly form too. */
export function date(iso) {
  if (!iso) return '';
  const value = new Date(iso);
  return Number.isNaN(value.getTime()) ? String(iso) : value.toLocaleString();
}

/** "3 min ago"-style age, for the list. */
export function age(iso, now = Date.now()) {
  const value = new Date(iso).getTime();
  if (Number.isNaN(value)) return '';
  const seconds = Math.max(0, Math.round((now - value) / 1000));
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return date(iso);
}

export function duration(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86400);
  const hms = [Math.floor(s / 3600) % 24, Math.floor(s / 60) % 60, s % 60].map(n => String(n).padStart(2, '0')).join(':');
  return d > 0 ? `${d}d ${hms}` : hms;
}

export function list(values) {
  return Array.isArray(values) ? values.join(', ') : (values ?? '');
}

export function number(value) {
  return Number(value ?? 0).toLocaleString();
}

/** "1 message", "2 messages"; `plural` for words that do not just take an s. */
export function count(value, word, plural = `${word}s`) {
  return `${number(value)} ${Number(value) === 1 ? word : plural}`;
}
