// The REST API (see /openapi/v1.json): JSON in, problem+json errors out.

export class ApiError extends Error {
  constructor(status, title, detail) {
    super(detail ? `${title}: ${detail}` : title);
    this.status = status;
    this.title = title;
    this.detail = detail;
  }
}

async function fail(response) {
  let title = `${response.status} ${response.statusText}`;
  let detail = '';
  try {
    const problem = await response.json();
    title = problem.title ?? title;
    detail = problem.detail ?? '';
  } catch {
    // not problem+json: the status line says enough
  }
  return new ApiError(response.status, title, detail);
}

export async function getJson(url, { signal } = {}) {
  const response = await fetch(url, { headers: { Accept: 'application/json' }, signal });
  if (!response.ok) throw await fail(response);
  return response.json();
}

export async function getText(url, { signal } = {}) {
  const response = await fetch(url, { signal });
  if (!response.ok) throw await fail(response);
  return response.arrayBuffer();
}

export async function remove(url) {
  const response = await fetch(url, { method: 'DELETE', headers: { Accept: 'application/json' } });
  if (!response.ok) throw await fail(response);
  return response.status === 204 ? null : response.json();
}

/** `/api/x?a=1&b=2` without the empty parameters. */
export function query(path, parameters) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters ?? {})) {
    if (value !== null && value !== undefined && value !== '') search.set(name, value);
  }
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}

/** One path segment per element, each percent-encoded (names with '/', '#', '?' or Cyrillic stay intact). */
export function segments(parts) {
  return parts.map(encodeURIComponent).join('/');
}
