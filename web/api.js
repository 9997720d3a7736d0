// The REST API client. The API key lives in sessionStorage only (gone when the tab closes),
// goes out in the x-api-key header, and never appears in a URL.

const SESSION_KEY = 'terrane.session';

export function session() {
  try {
    const s = JSON.parse(sessionStorage.getItem(SESSION_KEY) || 'null');
    return s && s.key ? s : null;
  } catch {
    return null;
  }
}

export function saveSession(s) {
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(s));
}

export function signOut() {
  sessionStorage.removeItem(SESSION_KEY);
}

export class ApiError extends Error {
  constructor(status, message, name) {
    super(message);
    this.status = status;
    this.name = name || 'ApiError';
  }
}

function headers(s, extra = {}) {
  return {'x-api-key': s.key, 'Harness-Account': s.account, ...extra};
}

// Every request sends the key in its header and nothing else: no cookies, and no Basic-auth
// prompt of the browser (REST 401s challenge for the x-api-key header, not Basic auth).
const BASE_INIT = {credentials: 'omit', cache: 'no-store'};

const enc = encodeURIComponent;

// W: the workspaces collection of the signed-in org and project.
export function wsBase(s = session()) {
  return `/iacm/api/orgs/${enc(s.org)}/projects/${enc(s.project)}/workspaces`;
}

export function wsPath(id, rest = '') {
  return `${wsBase()}/${enc(id)}${rest}`;
}

function url(path, query) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query || {})) {
    if (v === undefined || v === null || v === '') continue;
    for (const item of [v].flat()) q.append(k, item);
  }
  const qs = q.toString();
  return qs ? `${path}?${qs}` : path;
}

async function errorOf(res) {
  const text = await res.text();
  try {
    const body = JSON.parse(text);
    if (body && body.message) return new ApiError(res.status, body.message, body.name);
  } catch {
    /* not a goa error body */
  }
  return new ApiError(res.status, `HTTP ${res.status}: ${text.slice(0, 200)}`);
}

// One call; resolves to {status, headers, body} (body parsed when JSON, else text), rejects
// with ApiError carrying the server's message. A 401 signs out and reloads the sign-in page.
export async function api(method, path, {body, query, signal, s = session()} = {}) {
  if (!s) throw new ApiError(401, 'not signed in');
  const init = {...BASE_INIT, method, headers: headers(s), signal};
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers['Content-Type'] = 'application/json';
  }
  const res = await fetch(url(path, query), init);
  if (!res.ok) {
    const err = await errorOf(res);
    if (res.status === 401 && session()) {
      signOut();
      window.dispatchEvent(new CustomEvent('terrane:signed-out', {detail: err.message}));
    }
    throw err;
  }
  const type = res.headers.get('content-type') || '';
  let out = null;
  if (res.status !== 204) out = type.includes('json') ? await res.json() : await res.text();
  return {status: res.status, headers: res.headers, body: out};
}

export async function getJson(path, query, signal) {
  return (await api('GET', path, {query, signal})).body;
}

// Streams a run's log from byte `offset`, calling onText for each decoded piece, until the
// run ends or waits for approval. Resolves to the new offset.
export async function followLog(path, offset, onText, signal) {
  const s = session();
  const res = await fetch(url(path, {follow: 'true', offset}), {
    ...BASE_INIT,
    headers: headers(s),
    signal,
  });
  if (!res.ok) throw await errorOf(res);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  for (;;) {
    const {done, value} = await reader.read();
    if (done) break;
    offset += value.byteLength;
    onText(decoder.decode(value, {stream: true}));
  }
  const rest = decoder.decode();
  if (rest) onText(rest);
  return offset;
}

// Downloads `path` (with the auth headers) and offers it as a file named `name`.
export async function download(path, name) {
  const s = session();
  const res = await fetch(path, {...BASE_INIT, headers: headers(s)});
  if (!res.ok) throw await errorOf(res);
  const blob = await res.blob();
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10000);
}
