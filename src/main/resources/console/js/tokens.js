// Settings → API tokens: the table, its filters and count, and the row actions.
import * as api from './api.js';
import { h, clear, time, menuButton, plural, uid, toast } from './dom.js';
import { icon } from './icons.js';
import { state, isAdmin, isGlobal, can, workingOnTechnicalTenant } from './session.js';
import {
  REASONS, USAGES, canReadSecret, permissionsSummary, openRenew, openEnable, disableToken,
  openDelete, copySecret, showSecret,
} from './token-actions.js';
import { openTokenDrawer } from './token-drawer.js';
import { setTokenPolicy } from './token-form.js';
import { openClientSettings } from './client-settings.js';

const PAGE = 200;

// The columns the API sorts by (order_by), by their headers.
const SORTABLE = { Name: 'realname', Owner: 'user_realname', Created: 'create_at', Expires: 'expire_at', 'Last used': 'last_used_at' };
const SCOPES = ['all', 'mine', 'shared'];
const STATUSES = ['any', 'enabled', 'disabled'];

/**
 * The view's filters and order as kept in the address (#/tokens?scope=…&status=…&q=…&sort=…&desc=1),
 * so that a view can be shared and a reload comes back to it.
 */
function readView(admin) {
  const query = new URLSearchParams((window.location.hash.split('?')[1]) || '');
  const scope = query.get('scope');
  return {
    scope: SCOPES.includes(scope) && (admin || scope !== 'shared') && (admin || scope !== 'all') ? scope : (admin ? 'all' : 'mine'),
    status: STATUSES.includes(query.get('status')) ? query.get('status') : 'any',
    search: (query.get('q') || '').slice(0, 255),
    sort: Object.values(SORTABLE).includes(query.get('sort')) ? query.get('sort') : null,
    desc: query.get('desc') === '1',
  };
}

function writeView(filters, admin) {
  const query = new URLSearchParams();
  if (filters.scope !== (admin ? 'all' : 'mine')) query.set('scope', filters.scope);
  if (filters.status !== 'any') query.set('status', filters.status);
  if (filters.search) query.set('q', filters.search);
  if (filters.sort) query.set('sort', filters.sort);
  if (filters.sort && filters.desc) query.set('desc', '1');
  const text = query.toString();
  const hash = `#/tokens${text ? `?${text}` : ''}`;
  // replaceState: no hashchange, so the page is not rendered again; the address just follows.
  if (window.location.hash !== hash) window.history.replaceState(null, '', `${window.location.pathname}${hash}`);
}

export function tokensView(main) {
  const admin = isAdmin();
  const filters = readView(admin);
  let nextCursor = null;
  const count = h('span', { class: 'count', 'data-testid': 'token-count', 'aria-live': 'polite' }, '…');
  const list = h('div', { class: 'token-list' }, h('div', { class: 'loading' }, 'Loading tokens…'));
  let tokens = [];
  let generation = 0;

  const createButton = can('api_tokens:create')
    ? h('button', { type: 'button', class: 'btn primary', 'data-testid': 'create-token', onclick: () => create() }, icon('plus', 16), 'Create token')
    : null;

  // Global Administrators set the client's token policy (clients:update).
  const policyButton = can('clients:update') && isGlobal()
    ? h('button', { type: 'button', class: 'btn', 'data-testid': 'token-policy', onclick: () => openClientSettings(() => load()) },
      icon('settings', 16), 'Token policy')
    : null;

  function create() {
    openTokenDrawer({ onSaved: () => load() });
  }

  function scopeControl() {
    const name = uid('scope');
    const options = [['all', 'All'], ['mine', 'Mine'], ['shared', 'Shared']];
    return h('fieldset', { class: 'segmented', 'aria-label': 'Whose tokens' }, options.map(([value, label]) => {
      const id = uid('scope-opt');
      const input = h('input', { type: 'radio', name, id, value, dataset: { scope: value } });
      input.checked = filters.scope === value;
      input.addEventListener('change', () => { filters.scope = value; changed(); });
      return [input, h('label', { for: id }, label)];
    }));
  }

  const status = h('select', { 'aria-label': 'Status', dataset: { filter: 'status' } },
    h('option', { value: 'any' }, 'Any status'), h('option', { value: 'enabled' }, 'Enabled'),
    h('option', { value: 'disabled' }, 'Disabled'));
  status.value = filters.status;
  status.addEventListener('change', () => { filters.status = status.value; changed(); });

  const search = h('input', { type: 'search', placeholder: 'Search by name', 'aria-label': 'Search tokens by name',
    dataset: { filter: 'search' } });
  search.value = filters.search;
  let searchTimer = null;
  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => { filters.search = search.value.trim(); changed(); }, 250);
  });

  // The same orders as the headers, for screens where the table shows as cards.
  const SORTS = [['', 'Default order'], ['realname', 'Name A–Z'], ['realname.desc', 'Name Z–A'],
    ['user_realname', 'Owner A–Z'], ['create_at.desc', 'Newest first'], ['create_at', 'Oldest first'],
    ['expire_at', 'Expiring soonest'], ['last_used_at.desc', 'Recently used'], ['last_used_at', 'Least recently used']];
  const sortSelect = h('select', { class: 'sort-select', 'aria-label': 'Sort tokens', dataset: { filter: 'sort' } },
    SORTS.map(([value, label]) => h('option', { value }, label)));
  const syncSortSelect = () => {
    const value = filters.sort ? `${filters.sort}${filters.desc ? '.desc' : ''}` : '';
    if (!SORTS.some(([v]) => v === value)) sortSelect.append(h('option', { value }, 'Custom order'));
    sortSelect.value = value;
  };
  syncSortSelect();
  sortSelect.addEventListener('change', () => {
    const [order, desc] = sortSelect.value.split('.');
    filters.sort = order || null;
    filters.desc = desc === 'desc';
    changed();
  });

  function changed() {
    syncSortSelect();
    writeView(filters, admin);
    load();
  }

  const more = h('div', { class: 'load-more' });

  main.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'API tokens'), count,
      h('div', { class: 'actions' }, policyButton, createButton)),
    h('p', { class: 'page-lead' }, admin
      ? 'Tokens let scripts and services call the Cloud API. You see every token of this client, shared ones included; a token never does more than its owner may.'
      : 'Your personal tokens let scripts call the Cloud API as you. A token never does more than you may, and stops when your account is disabled.'),
    h('div', { class: 'toolbar' }, admin ? scopeControl() : null, status, sortSelect, h('div', { class: 'search' }, icon('search', 16), search)),
    list, more);

  async function load({ append = false } = {}) {
    const mine = generation + 1;
    generation = mine;
    const query = { client_id: state.clientId, limit: PAGE };
    if (filters.sort) {
      query.order_by = filters.sort;
      if (filters.desc) query.order_desc = true;
    }
    if (append) query.cursor = nextCursor;
    if (filters.scope === 'mine') query.user_id = state.user.id;
    if (filters.scope === 'shared') query.shared = true;
    if (filters.status !== 'any') query.enabled = filters.status === 'enabled';
    if (filters.search) query.realname = filters.search;
    try {
      const page = await api.get('/v2/api_tokens', query, { envelope: true });
      if (mine !== generation) return;
      setTokenPolicy(page.token_policy);
      tokens = append ? tokens.concat(page.body) : page.body;
      nextCursor = page.next_cursor || null;
      render();
    } catch (e) {
      if (mine !== generation) return;
      clear(list).append(h('div', { class: 'alert error', role: 'alert' }, e.message));
      count.textContent = '—';
    }
  }

  const filtered = () => filters.scope !== (admin ? 'all' : 'mine') || filters.status !== 'any' || filters.search;

  // The first screen of a new partner account: where the user is, and the three first steps.
  function welcome() {
    return h('div', { class: 'empty welcome', 'data-testid': 'welcome' }, h('div', { class: 'empty-icon' }, icon('key', 24)),
      h('h2', {}, 'Welcome to Tokensmith'),
      h('p', {}, `You are working on ${state.clientName || 'your technical client'}: your partner account's own client, `
        + 'where global users like you live. Your customers each get a tenant of their own.'),
      h('ol', { class: 'steps' },
        h('li', {}, h('strong', {}, 'Create a tenant'), ' with “New tenant” beside the client selector at the top; the Console switches to it.'),
        h('li', {}, h('strong', {}, 'Add its first administrator'), ' on the Users page, with an invitation link.'),
        h('li', {}, h('strong', {}, 'Make a token'), ' for a script or service: here for work across tenants, or inside a tenant for its own.')),
      createButton ? h('button', { type: 'button', class: 'btn primary', onclick: () => create() }, 'Create your first token') : null);
  }

  function sortHeader(title) {
    const order = SORTABLE[title];
    if (!order) return h('th', { scope: 'col' }, title);
    const active = filters.sort === order;
    const button = h('button', { type: 'button', class: 'sort', dataset: { sort: order },
      onclick: () => {
        if (active && filters.desc) { filters.sort = null; filters.desc = false; } // third click: back to the default order
        else if (active) filters.desc = true;
        else { filters.sort = order; filters.desc = false; }
        changed();
      } }, title, h('span', { class: 'sort-mark', 'aria-hidden': 'true' }, active ? (filters.desc ? '▼' : '▲') : '↕'));
    return h('th', { scope: 'col', 'aria-sort': active ? (filters.desc ? 'descending' : 'ascending') : 'none' }, button);
  }

  function render() {
    count.textContent = nextCursor ? `${tokens.length}+ tokens` : plural(tokens.length, 'token');
    clear(more);
    if (nextCursor) {
      more.append(h('button', { type: 'button', class: 'btn', 'data-testid': 'load-more', onclick: () => load({ append: true }) },
        'Load more'));
    }
    clear(list);
    if (!tokens.length) {
      list.append(filtered()
        ? h('div', { class: 'empty', 'data-testid': 'empty' }, h('div', { class: 'empty-icon' }, icon('search', 24)),
          h('h2', {}, 'No tokens match these filters'), h('p', {}, 'Try another name or status.'))
        : workingOnTechnicalTenant()
          ? welcome()
          : h('div', { class: 'empty', 'data-testid': 'empty' }, h('div', { class: 'empty-icon' }, icon('key', 24)),
          h('h2', {}, 'No API tokens yet'),
          h('p', {}, 'Create a token to call the Cloud API from scripts, CI or your own services.'),
          createButton ? h('button', { type: 'button', class: 'btn primary', onclick: () => create() }, 'Create your first token') : null));
      return;
    }
    list.append(h('div', { class: 'table-wrap' },
      h('table', { class: 'data responsive', 'data-testid': 'token-table' },
        h('caption', { class: 'visually-hidden' }, 'API tokens'),
        h('thead', {}, h('tr', {}, ['Name', 'Owner', 'Permissions', 'Usage', 'Created', 'Expires',
          'Last used', 'Status'].map(sortHeader), h('th', { scope: 'col' },
          h('span', { class: 'visually-hidden' }, 'Actions')))),
        h('tbody', {}, tokens.map(row)))));
  }

  function replace(saved) {
    const index = tokens.findIndex((t) => t.id === saved.id);
    if (index >= 0) tokens[index] = { ...tokens[index], ...saved };
    render();
    load();
  }

  function row(token) {
    const manage = can('api_tokens:update');
    const secretOk = canReadSecret(token);
    const actions = menuButton({
      label: `Actions for ${token.realname}`,
      content: icon('more'),
      className: 'btn small ghost',
      items: () => [
        manage ? { id: 'edit', label: 'Edit…', run: () => openTokenDrawer({ token, onSaved: replace }) } : null,
        secretOk ? { id: 'show', label: 'Show secret', run: () => revealSecret(token) } : null,
        secretOk ? { id: 'copy', label: 'Copy secret', run: () => copySecret(token) } : null,
        secretOk && manage ? { id: 'renew', label: 'Renew secret…', run: () => openRenew(token, replace) } : null,
        manage && token.enabled ? { id: 'disable', label: 'Disable', run: () => disableToken(token, replace) } : null,
        manage && !token.enabled ? { id: 'enable', label: 'Enable…', run: () => openEnable(token, replace) } : null,
        can('api_tokens:delete') ? { id: 'delete', label: 'Delete…', danger: true,
          run: () => openDelete(token, () => load()) } : null,
      ],
    });
    const statusCell = token.enabled
      ? h('span', { class: 'pill ok' }, 'Enabled')
      : h('span', {}, h('span', { class: 'pill off' }, 'Disabled'),
        h('div', { class: 'sub', 'data-testid': 'disabled-reason' }, REASONS[token.disabled_reason] || ''));
    return h('tr', { class: token.enabled ? '' : 'is-disabled', dataset: { tokenId: token.id, testid: 'token-row' },
      'aria-disabled': token.enabled ? null : 'true' },
      h('td', { class: 'primary name', 'data-label': 'Name' },
        h('div', { class: 'name-line' }, h('strong', { title: token.realname }, token.realname),
          token.legacy ? h('span', { class: 'badge', 'data-testid': 'legacy-badge',
            title: token.legacy_pair_active ? 'Backward-compatible token: its old UUID + secret key pair still works'
              : 'Backward-compatible token: its old pair has ended' }, 'Legacy') : null,
          token.allowed_ips.length ? h('span', { class: 'badge ip', 'data-testid': 'ip-badge',
            title: `Usable only from ${token.allowed_ips.join(', ')}` }, icon('lock', 12), 'IP-restricted') : null),
        token.description ? h('div', { class: 'sub description', 'data-testid': 'token-description', title: token.description },
          token.description) : null,
        h('div', { class: 'sub mono' }, token.secret_hint || '')),
      h('td', { 'data-label': 'Owner' }, token.shared ? h('span', { class: 'badge shared' }, 'Shared')
        : h('span', {}, token.user_id === state.user.id ? 'You' : token.user_realname || '—')),
      h('td', { 'data-label': 'Permissions' }, h('span', { title: token.actual_permissions.join(', ') },
        permissionsSummary(token))),
      h('td', { 'data-label': 'Usage', class: 'nowrap' }, USAGES[token.usage] || token.usage),
      h('td', { 'data-label': 'Created', class: 'nowrap' }, time(token.create_at)),
      h('td', { 'data-label': 'Expires', class: 'nowrap' }, time(token.expire_at, { empty: 'Never' })),
      h('td', { 'data-label': 'Last used', class: 'nowrap' }, token.last_used_at
        ? h('span', {}, time(token.last_used_at),
          token.last_used_ip ? h('div', { class: 'sub mono', 'data-testid': 'last-used-ip' }, token.last_used_ip) : null)
        : h('span', { class: 'muted' }, 'Never')),
      h('td', { 'data-label': 'Status', 'data-testid': 'token-status', class: 'nowrap' }, statusCell),
      h('td', { class: 'actions' }, actions));
  }

  async function revealSecret(token) {
    try {
      const { secret } = await api.get(`/v2/api_tokens/${token.id}/secret`);
      showSecret({ title: `Secret of “${token.realname}”`, token, secret, mode: 'revealed' });
    } catch (e) {
      toast(e.message, 'error');
    }
  }

  load();
  return { refresh: load };
}
