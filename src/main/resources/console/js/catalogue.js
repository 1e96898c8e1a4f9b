// The permission catalogue and the roles' bundles, as the server serves them (GET /v2/catalogue):
// the Console keeps no copy, so an operator's own catalogue shows as it is enforced.
import * as api from './api.js';

let data = null;

/** Loads the catalogue once a session exists (the endpoint wants a credential). */
export async function loadCatalogue() {
  if (!data) {
    data = await api.get('/v2/catalogue');
  }
  return data;
}

export function resources() {
  return data.resources;
}

export function roles() {
  return data.roles;
}

export function role(id) {
  return data.roles.find((r) => r.id === id);
}

export function roleTitle(id) {
  const found = role(id);
  return found ? found.title : id;
}

function fits(permissions, cap) {
  return permissions.every((p) => cap.has(p));
}

function intersect(a, b) {
  return new Set([...a].filter((p) => b.has(p)));
}

/** The most a shared token of the working client may hold: the (global) admin bundle. */
export function sharedCap(technical) {
  return new Set(role(technical ? 'partner_admin' : 'admin').permissions);
}

/**
 * The role presets for a token, each with whether this user may grant it: the whole bundle
 * must fit the cap, and global presets need a global user.
 */
export function tokenPresets({ held, globalUser, shared, technical }) {
  const cap = shared ? intersect(held, sharedCap(technical)) : held;
  return data.roles.filter((r) => r.id !== 'custom').map((r) => {
    let reason = null;
    if (r.global && !globalUser) reason = 'global users only';
    else if (!fits(r.permissions, cap)) reason = 'beyond your permissions';
    return { role: r, allowed: reason === null, reason };
  });
}

/** The roles this user may give another user of the working client (never above their own). */
export function userRoles({ held, globalUser, technical }) {
  return data.roles.map((r) => {
    let reason = null;
    if (r.id === 'custom') reason = null;
    else if (r.global && !(globalUser && technical)) reason = 'not here';
    else if (!fits(r.permissions, held)) reason = 'above yours';
    return { role: r, allowed: reason === null, reason };
  });
}

/** The cap of a token's custom permissions: the user's own, and for a shared token the admin bundle. */
export function tokenCap({ held, shared, technical }) {
  return shared ? intersect(held, sharedCap(technical)) : held;
}
