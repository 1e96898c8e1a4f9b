// Who is logged in and which client the Console works on. Memory only: nothing here is persisted.
import * as api from './api.js';

export const state = {
  user: null,
  clientId: null,
  clientName: null,
  clients: [],
};

const listeners = new Set();

/** Runs `listener` whenever the working client changes. */
export function onClientChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export async function login(email, password) {
  const body = await api.post('/v1/login', { email, password }, { quiet: true });
  api.setCsrfToken(body.csrf_token);
  delete body.csrf_token;
  state.user = body;
  state.clientId = body.client_id;
  state.clientName = body.client_name;
  state.clients = [];
  return body;
}

export async function logout() {
  try {
    await api.post('/v1/logout', {}, { quiet: true });
  } finally {
    forget();
  }
}

/**
 * After a single sign-on the server lands the browser on /console/#sso_csrf=<token>: the CSRF token
 * is taken into memory once and leaves the address bar and the history at once. The user, or null.
 */
export async function adoptSsoLogin() {
  const match = /^#sso_csrf=([A-Za-z0-9_-]{20,100})$/.exec(window.location.hash);
  if (!match) return null;
  window.history.replaceState(null, '', '/console/');
  api.setCsrfToken(match[1]);
  try {
    const body = await api.get('/v1/user', undefined, { quiet: true });
    state.user = body;
    state.clientId = body.client_id;
    state.clientName = body.client_name;
    state.clients = [];
    return body;
  } catch (e) {
    forget();
    return null;
  }
}

/** Drops everything the Console knew about the session. */
export function forget() {
  api.setCsrfToken(null);
  state.user = null;
  state.clientId = null;
  state.clientName = null;
  state.clients = [];
}

/** The identity behind the session cookie, if one is still open (to greet a returning user). */
export async function openSessionIdentity() {
  try {
    return await api.get('/v1/user', undefined, { quiet: true });
  } catch (e) {
    return null;
  }
}

export function selectClient(client) {
  state.clientId = client.id;
  state.clientName = client.name;
  listeners.forEach((listener) => listener(client));
}

/** Whether the user holds a permission (the same set in every client a global user reaches). */
export function can(permission) {
  return Boolean(state.user && state.user.actual_permissions.includes(permission));
}

export function held() {
  return new Set(state.user ? state.user.actual_permissions : []);
}

/** Admins manage every token of the client, shared ones included. */
export function isAdmin() {
  return Boolean(state.user && (state.user.role === 'admin' || state.user.role === 'partner_admin'));
}

export function isGlobal() {
  return Boolean(state.user && state.user.role.startsWith('partner_'));
}

export function isHomeClient() {
  return state.user && state.clientId === state.user.client_id;
}

/** The partner's technical tenant is where global users live. */
export function workingOnTechnicalTenant() {
  return isGlobal() && isHomeClient();
}
