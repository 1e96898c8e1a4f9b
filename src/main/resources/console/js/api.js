// The Console's only way to the server: the public Cloud API, with the session cookie (HttpOnly,
// sent by the browser) and the CSRF token, which lives in this module's memory only — never in
// web storage, a cookie or a URL. A reload forgets it, and the user logs in again.

let csrfToken = null;
let inFlight = 0;
let unauthorizedHandler = null;

export function setCsrfToken(token) {
  csrfToken = token;
}

export function csrf() {
  return csrfToken;
}

export function hasSession() {
  return csrfToken !== null;
}

/** Called when the server answers 401 to a Console request (the session ended). */
export function onUnauthorized(handler) {
  unauthorizedHandler = handler;
}

/** An error answer of the API: status, body, and the 400 field errors when there are any. */
export class ApiError extends Error {
  constructor(status, body, retryAfter) {
    super(messageFor(status, body, retryAfter));
    this.status = status;
    this.body = body;
    this.fields = status === 400 && body && typeof body === 'object' ? body : null;
  }
}

function messageFor(status, body, retryAfter) {
  switch (status) {
    case 0: return 'Cannot reach the server. Check your connection and try again.';
    case 400: return 'Please correct the highlighted fields.';
    case 401: return 'Your session has ended. Please log in again.';
    case 403: return 'You do not have permission to do this.';
    case 404: return 'Not found: it may have been deleted meanwhile.';
    case 409: return typeof body === 'string' ? `${body}.` : 'This conflicts with an existing record.';
    case 410: return 'This value was shown only once and is not stored.';
    case 413: return 'The request is too large.';
    case 429: return `Too many attempts. Try again in ${retryAfter || 'a few'} seconds.`;
    default: return status >= 500 ? 'The server could not complete this request. Please try again.'
      : `The request failed (${status}).`;
  }
}

function progress(delta) {
  inFlight += delta;
  let bar = document.querySelector('.progress');
  if (!bar) {
    bar = document.createElement('div');
    bar.className = 'progress';
    bar.setAttribute('aria-hidden', 'true');
    document.body.append(bar);
  }
  document.body.toggleAttribute('data-loading', inFlight > 0);
  bar.classList.toggle('active', inFlight > 0);
}

function queryString(query) {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== null && value !== undefined && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** A URL of the API with a query (filters only; never a credential). */
export function url(path, query) {
  return path + queryString(query);
}

/** Calls the API; resolves to the envelope's body, rejects with an {@link ApiError}. */
export async function request(method, path, { body, query, quiet = false, envelope: whole = false } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  progress(1);
  let response;
  try {
    response = await fetch(url(path, query), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
      redirect: 'error',
    });
  } catch (e) {
    throw new ApiError(0, null);
  } finally {
    progress(-1);
  }
  const text = await response.text();
  let envelope = null;
  try {
    envelope = text ? JSON.parse(text) : null;
  } catch (e) {
    envelope = { status: response.status, body: text };
  }
  const payload = envelope && typeof envelope === 'object' && 'body' in envelope ? envelope.body : envelope;
  if (!response.ok) {
    if (response.status === 401 && !quiet && unauthorizedHandler) unauthorizedHandler();
    throw new ApiError(response.status, payload, response.headers.get('Retry-After'));
  }
  // A list's page with its next_cursor when asked for: { body, next_cursor }.
  return whole ? envelope : payload;
}

export const get = (path, query, options = {}) => request('GET', path, { ...options, query });
export const post = (path, body = {}, options = {}) => request('POST', path, { ...options, body });
export const put = (path, body = {}) => request('PUT', path, { body });
export const del = (path) => request('DELETE', path);
