// Settings → API tokens: the table, its filters and count, and the row actions.
import * as api from './api.js';
import { h, clear, time, menuButton, plural, uid, toast } from './dom.js';
import { icon } from './icons.js';
import { state, isAdmin, can, workingOnTechnicalTenant } from './session.js';
import {
  REASONS, USAGES, canReadSecret, permissionsSummary, openRenew, openEnable, disableToken,
  openDelete, copySecret, showSecret,
} from './token-actions.js';
import { openTokenDrawer } from './token-drawer.js';

const PAGE = 1000;

export function tokensView(main) {
  const admin = isAdmin();
  const filters = { scope: admin ? 'all' : 'mine', status: 'any', search: '' };
  const count = h('span', { class: 'count', 'data-testid': 'token-count', 'aria-live': 'polite' }, '…');
  const list = h('div', { class: 'token-list' }, h('div', { class: 'loading' }, 'Loading tokens…'));
  let tokens = [];
  let generation = 0;

  const createButton = can('api_tokens:create')
    ? h('button', { type: 'button', class: 'btn primary', 'data-testid': 'create-token', onclick: () => create() }, icon('plus', 16), 'Create token')
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
      input.addEventListener('change', () => { filters.scope = value; load(); });
      return [input, h('label', { for: id }, label)];
    }));
  }

  const status = h('select', { 'aria-label': 'Status', dataset: { filter: 'status' } },
    h('option', { value: 'any' }, 'Any status'), h('option', { value: 'enabled' }, 'Enabled'),
    h('option', { value: 'disabled' }, 'Disabled'));
  status.addEventListener('change', () => { filters.status = status.value; load(); });

  const search = h('input', { type: 'search', placeholder: 'Search by name', 'aria-label': 'Search tokens by name',
    dataset: { filter: 'search' } });
  let searchTimer = null;
  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => { filters.search = search.value.trim(); load(); }, 250);
  });

  main.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'API tokens'), count,
      h('div', { class: 'actions' }, createButton)),
    h('p', { class: 'page-lead' }, admin
      ? 'Tokens let scripts and services call the Cloud API. You see every token of this client, shared ones included; a token never does more than its owner may.'
      : 'Your personal tokens let scripts call the Cloud API as you. A token never does more than you may, and stops when your account is disabled.'),
    h('div', { class: 'toolbar' }, admin ? scopeControl() : null, status, h('div', { class: 'search' }, icon('search', 16), search)),
    list);

  async function load() {
    const mine = generation + 1;
    generation = mine;
    const query = { client_id: state.clientId, limit: PAGE };
    if (filters.scope === 'mine') query.user_id = state.user.id;
    if (filters.scope === 'shared') query.shared = true;
    if (filters.status !== 'any') query.enabled = filters.status === 'enabled';
    if (filters.search) query.realname = filters.search;
    try {
      const found = await api.get('/v2/api_tokens', query);
      if (mine !== generation) return;
      tokens = found;
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

  function render() {
    count.textContent = tokens.length >= PAGE ? `${PAGE}+ tokens` : plural(tokens.length, 'token');
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
        h('thead', {}, h('tr', {}, ['Name', 'Owner', 'Permissions', 'Usage', 'Created', 'Generated', 'Expires',
          'Last used', 'Status'].map((t) => h('th', { scope: 'col' }, t)), h('th', { scope: 'col' },
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
        h('div', {}, h('strong', {}, token.realname), token.legacy ? h('span', { class: 'badge', 'data-testid': 'legacy-badge',
          title: token.legacy_pair_active ? 'Backward-compatible token: its old UUID + secret key pair still works'
            : 'Backward-compatible token: its old pair has ended' }, 'Legacy') : null),
        h('div', { class: 'sub mono' }, token.secret_hint || '')),
      h('td', { 'data-label': 'Owner' }, token.shared ? h('span', { class: 'badge shared' }, 'Shared')
        : h('span', {}, token.user_id === state.user.id ? 'You' : token.user_realname || '—')),
      h('td', { 'data-label': 'Permissions' }, h('span', { title: token.actual_permissions.join(', ') },
        permissionsSummary(token))),
      h('td', { 'data-label': 'Usage', class: 'nowrap' }, USAGES[token.usage] || token.usage),
      h('td', { 'data-label': 'Created', class: 'nowrap' }, time(token.create_at)),
      h('td', { 'data-label': 'Generated', class: 'nowrap' }, time(token.token_generated_at)),
      h('td', { 'data-label': 'Expires', class: 'nowrap' }, time(token.expire_at, { empty: 'Never' })),
      h('td', { 'data-label': 'Last used', class: 'nowrap' }, token.last_used_at
        ? h('span', { title: token.last_used_ip ? `from ${token.last_used_ip}` : null }, time(token.last_used_at))
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
