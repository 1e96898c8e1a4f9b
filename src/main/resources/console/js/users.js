// Settings → Users (users:view): list, create, change role, enable/disable, delete, and how each
// signs in: password or single sign-on, and API access (tokens) for SSO administrators.
import * as api from './api.js';
import { h, clear, time, menuButton, plural, dialog, field, fieldset, toast, uid, fieldMessage, fromSeconds } from './dom.js';
import { state, can, held, isAdmin, isGlobal, workingOnTechnicalTenant } from './session.js';
import { role, roleTitle, userRoles } from './catalogue.js';
import { permissionMatrix } from './matrix.js';
import { icon } from './icons.js';
import { showPasswordLink } from './passwords.js';

export function usersView(main) {
  const count = h('span', { class: 'count', 'data-testid': 'user-count' }, '…');
  const list = h('div', {}, h('div', { class: 'loading' }, 'Loading users…'));
  let users = [];
  const filters = { status: 'any', search: '' };

  const addButton = can('users:create')
    ? h('button', { type: 'button', class: 'btn primary', 'data-testid': 'add-user', onclick: () => openCreate() }, icon('plus', 16), 'Add user')
    : null;
  const search = h('input', { type: 'search', placeholder: 'Search by name or email', 'aria-label': 'Search users' });
  search.addEventListener('input', () => { filters.search = search.value.trim().toLowerCase(); render(); });
  const status = h('select', { 'aria-label': 'Status' }, h('option', { value: 'any' }, 'Any status'),
    h('option', { value: 'enabled' }, 'Enabled'), h('option', { value: 'disabled' }, 'Disabled'));
  status.addEventListener('change', () => { filters.status = status.value; render(); });

  main.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'Users'), count, h('div', { class: 'actions' }, addButton)),
    h('p', { class: 'page-lead' },
      'People who can log in to this client. Disabling a user logs them out at once and disables all their personal tokens.'),
    h('div', { class: 'toolbar' }, status, h('div', { class: 'search' }, icon('search', 16), search)),
    list);

  const roleChoices = () => userRoles({ held: held(), globalUser: isGlobal(), technical: workingOnTechnicalTenant() });

  // Whether the client's IdP provisions users (then it owns disabling and deleting the ones it made).
  let provisioning = false;

  async function load() {
    try {
      const sso = isAdmin() ? api.get('/v2/sso', { client_id: state.clientId }).catch(() => null) : null;
      users = await api.post('/v1/objects/user', { filter: { clientid: state.clientId }, limit: 1000 });
      const settings = await sso;
      provisioning = Boolean(settings && settings.enabled && settings.provisioning);
      render();
    } catch (e) {
      clear(list).append(h('div', { class: 'alert error', role: 'alert' }, e.message));
    }
  }

  function visible() {
    return users.filter((u) => (filters.status === 'any' || u.enabled === (filters.status === 'enabled'))
      && (!filters.search || u.realname.toLowerCase().includes(filters.search)
        || u.email.toLowerCase().includes(filters.search)));
  }

  function render() {
    const shown = visible();
    count.textContent = plural(users.length, 'user');
    clear(list);
    if (!shown.length) {
      list.append(h('div', { class: 'empty' }, h('div', { class: 'empty-icon' }, icon('users', 24)),
        h('h2', {}, users.length ? 'No users match these filters' : 'No users yet'),
        h('p', {}, users.length ? 'Try another name or status.' : 'Add the people who should use this client.')));
      return;
    }
    list.append(h('div', { class: 'table-wrap' }, h('table', { class: 'data responsive', 'data-testid': 'user-table' },
      h('caption', { class: 'visually-hidden' }, 'Users'),
      h('thead', {}, h('tr', {}, ['Name', 'Role', 'Sign-in', 'Status', 'Created', 'Last login']
        .map((t) => h('th', { scope: 'col' }, t)),
        h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
      h('tbody', {}, shown.map(row)))));
  }

  function roleCell(user) {
    const self = user.id === state.user.id;
    if (!can('users:update') || self) {
      return h('span', { title: self ? 'You cannot change your own role' : null }, roleTitle(user.role));
    }
    const selectId = uid('role');
    const select = h('select', { id: selectId, class: 'inline-select', 'aria-label': `Role of ${user.realname}`,
      dataset: { role: 'select' } });
    for (const choice of roleChoices()) {
      if (choice.role.id === 'custom' && user.role !== 'custom') continue;
      const label = choice.allowed || choice.role.id === user.role ? choice.role.title
        : `${choice.role.title} — ${choice.reason}`;
      select.append(h('option', { value: choice.role.id,
        disabled: (!choice.allowed && choice.role.id !== user.role) || choice.role.id === 'custom' }, label));
    }
    select.value = user.role;
    const error = h('div', { class: 'field-error', role: 'alert' });
    select.addEventListener('change', () => {
      error.textContent = '';
      select.removeAttribute('aria-invalid');
      confirmRole(user, select.value, {
        saved: (saved) => {
          Object.assign(user, saved);
          select.value = user.role;
        },
        kept: () => { select.value = user.role; },
      });
    });
    return h('div', { dataset: { field: 'permissions' } }, select, error);
  }

  function signInCell(user) {
    return h('div', { 'data-testid': 'sign-in' },
      user.sso === 'none' ? h('span', {}, 'Password') : h('span', { class: 'badge sso' }, 'SSO'),
      user.provisioned ? h('span', { class: 'badge', title: 'Created by the identity provider' }, 'Provisioned') : null,
      user.sso !== 'none' && user.api_access ? h('span', { class: 'badge' }, 'API access') : null);
  }

  function row(user) {
    const self = user.id === state.user.id;
    const update = can('users:update') && !self;
    // Disabling and deleting a provisioned user is the IdP's job while it provisions (4.6).
    const idpOwned = user.provisioned && provisioning;
    const administers = user.role === 'admin' || user.role === 'partner_admin';
    const actions = menuButton({
      label: `Actions for ${user.realname}`, content: icon('more'), className: 'btn small ghost',
      items: () => [
        update && user.sso === 'none'
          ? { id: 'invite', label: 'Send invitation / reset link…', run: () => invite(user) } : null,
        update && user.sso === 'none' ? { id: 'sso-on', label: 'Switch to SSO…', run: () => openSso(user) } : null,
        update && user.sso !== 'none'
          ? { id: 'sso-off', label: 'Allow password login', run: () => update1(user, { sso: 'none' },
            `${user.realname} may log in with a password again (send them a link to set one).`) } : null,
        update && administers && !user.api_access
          ? { id: 'api-grant', label: 'Grant API access', run: () => update1(user, { api_access: true },
            `${user.realname} may use API tokens while signing in through SSO.`) } : null,
        update && administers && user.api_access
          ? { id: 'api-revoke', label: 'Revoke API access…', run: () => openRevokeApi(user) } : null,
        update && user.enabled && !idpOwned
          ? { id: 'disable', label: 'Disable…', run: () => openDisable(user) } : null,
        update && !user.enabled
          ? { id: 'enable', label: 'Enable', run: () => setEnabled(user, true) } : null,
        can('users:delete') && !self && !idpOwned
          ? { id: 'delete', label: 'Delete…', danger: true, run: () => openDelete(user) } : null,
      ],
      note: idpOwned ? () => h('div', { class: 'menu-note', 'data-testid': 'idp-owned' },
        'Provisioned by your identity provider: disable or delete this user there.') : undefined,
    });
    const hasActions = !self && (can('users:update') || can('users:delete'));
    return h('tr', { class: user.enabled ? '' : 'is-disabled', dataset: { userId: user.id, testid: 'user-row' } },
      h('td', { class: 'primary name', 'data-label': 'Name' },
        h('div', {}, h('strong', {}, user.realname), self ? h('span', { class: 'badge' }, 'You') : null),
        h('div', { class: 'sub' }, user.email)),
      h('td', { 'data-label': 'Role' }, roleCell(user)),
      h('td', { 'data-label': 'Sign-in' }, signInCell(user)),
      h('td', { 'data-label': 'Status' }, user.enabled ? h('span', { class: 'pill ok' }, 'Enabled')
        : h('span', { class: 'pill off' }, 'Disabled')),
      h('td', { 'data-label': 'Created', class: 'nowrap' }, time(fromSeconds(user.create_at))),
      h('td', { 'data-label': 'Last login', class: 'nowrap' },
        time(fromSeconds(user.last_login_time), { withTime: true, empty: 'Never' })),
      h('td', { class: 'actions' }, hasActions ? actions : null));
  }

  async function invite(user) {
    try {
      const answer = await api.post('/v1/objects/user/invite', { filter: { id: user.id } });
      showPasswordLink({ user, url: answer.set_password_url });
    } catch (e) {
      toast(e.message, 'error');
    }
  }

  /** One change of a user's sign-in, saved at once; {@code done} is the toast. */
  async function update1(user, fields, done) {
    try {
      const saved = await api.post('/v1/objects/user/update', { filter: { id: user.id }, fields });
      Object.assign(user, saved);
      toast(done);
      render();
    } catch (e) {
      toast(e.fields ? fieldMessage(Object.keys(e.fields)[0], Object.values(e.fields)[0]) : e.message, 'error');
    }
  }

  const NOT_BACK = 'Granting API access again later does not re-enable them: each token must be enabled again, '
    + 'with a new expiry.';

  /** A move to SSO: without API access it disables all their tokens, for good; it ends a legacy pair. */
  function openSso(user) {
    const administers = user.role === 'admin' || user.role === 'partner_admin';
    const keep = h('input', { type: 'checkbox', name: 'api_access', checked: Boolean(user.api_access) });
    const tokensNote = h('div', { class: 'alert warn', role: 'note', 'data-testid': 'sso-tokens-note' });
    const sync = () => {
      tokensNote.textContent = keep.checked
        ? 'Their tokens keep working (API access). Their legacy credential pair, if any, stops for good.'
        : `All their tokens will be disabled now (reason “API access revoked”) and their legacy credential pair stops for good. ${NOT_BACK}`;
    };
    keep.addEventListener('change', sync);
    sync();
    dialog({
      title: `Switch ${user.realname} to single sign-on?`,
      testId: 'sso-user-dialog',
      body: h('div', {},
        h('p', {}, `${user.email} will log in through the identity provider only; their password stops working.`),
        administers ? h('div', { class: 'field', dataset: { field: 'api_access' } },
          h('label', { class: 'choice' }, keep, 'Keep API access (their tokens keep working)'),
          h('div', { class: 'field-error', role: 'alert' })) : null,
        tokensNote,
        h('div', { class: 'field', dataset: { field: 'sso' } }, h('div', { class: 'field-error', role: 'alert' }))),
      submitLabel: 'Switch to SSO',
      danger: true,
      submit: async () => {
        const fields = { sso: 'sso' };
        if (administers) fields.api_access = keep.checked;
        const saved = await api.post('/v1/objects/user/update', { filter: { id: user.id }, fields });
        Object.assign(user, saved);
        toast(`${user.realname} now logs in through SSO.`);
        render();
      },
    });
  }

  function openRevokeApi(user) {
    dialog({
      title: `Revoke ${user.realname}'s API access?`,
      testId: 'revoke-api-dialog',
      body: h('div', {},
        h('div', { class: 'alert warn', role: 'note', 'data-testid': 'revoke-api-note' },
          h('strong', {}, 'Their tokens will be disabled. '),
          `All tokens of ${user.realname} stop now (reason “API access revoked”) and are deleted after 7 days. ${NOT_BACK}`),
        h('div', { class: 'field', dataset: { field: 'api_access' } }, h('div', { class: 'field-error', role: 'alert' }))),
      submitLabel: 'Revoke API access',
      danger: true,
      submit: async () => {
        const saved = await api.post('/v1/objects/user/update', { filter: { id: user.id }, fields: { api_access: false } });
        Object.assign(user, saved);
        toast(`${user.realname}'s API access revoked; their tokens are disabled.`);
        render();
      },
    });
  }

  async function setEnabled(user, enabled) {
    try {
      const saved = await api.post('/v1/objects/user/update', { filter: { id: user.id }, fields: { enabled } });
      Object.assign(user, saved);
      toast(`${user.realname} ${enabled ? 'enabled. Their tokens stay disabled until enabled one by one.' : 'disabled.'}`);
      render();
    } catch (e) {
      toast(e.fields ? fieldMessage(Object.keys(e.fields)[0], Object.values(e.fields)[0]) : e.message, 'error');
    }
  }

  /**
   * A role change narrows the user's tokens for good (a later raise does not widen them): it is
   * confirmed first, saying how many of their tokens hold more than the new role allows.
   */
  async function confirmRole(user, next, { saved, kept }) {
    let done = false;
    const FOR_GOOD = 'Raising the role again later does not widen them back.';
    const note = h('div', { class: 'alert warn', role: 'note', 'data-testid': 'narrowed-note' },
      `Their tokens that hold more than ${roleTitle(next)} allows will be narrowed to fit it, for good. ${FOR_GOOD}`);
    dialog({
      title: `Change ${user.realname}'s role?`,
      testId: 'role-dialog',
      body: h('div', {},
        h('p', {}, `From ${roleTitle(user.role)} to ${roleTitle(next)}.`),
        note,
        h('div', { class: 'field', dataset: { field: 'permissions' } }, h('div', { class: 'field-error', role: 'alert' }))),
      submitLabel: 'Change role',
      danger: true,
      submit: async () => {
        const result = await api.post('/v1/objects/user/update', { filter: { id: user.id },
          fields: { permissions: [next] } });
        done = true;
        saved(result);
        toast(`${user.realname} is now ${roleTitle(result.role)}.`);
      },
      onClose: () => { if (!done) kept(); },
    });
    if (can('api_tokens:view')) {
      try {
        const tokens = await api.get('/v2/api_tokens', { client_id: state.clientId, user_id: user.id, limit: 1000 });
        const bundle = new Set((role(next) || { permissions: [] }).permissions);
        const narrowed = tokens.filter((t) => (t.actual_permissions || []).some((p) => !bundle.has(p))).length;
        note.textContent = narrowed
          ? `${narrowed === 1 ? '1 of their tokens holds' : `${narrowed} of their tokens hold`} more than ${roleTitle(next)} allows: ${narrowed === 1 ? 'it' : 'they'} will be narrowed to fit it, for good. ${FOR_GOOD}`
          : tokens.length
            ? `None of their ${plural(tokens.length, 'token')} holds more than ${roleTitle(next)} allows: nothing will be narrowed.`
            : 'They have no tokens: nothing will be narrowed.';
      } catch (e) {
        // the count is a courtesy; the warning stands without it
      }
    }
  }

  async function openDisable(user) {
    const tokensNote = h('span', {}, 'all their personal tokens');
    const handle = dialog({
      title: `Disable ${user.realname}?`,
      testId: 'disable-user-dialog',
      body: h('div', {},
        h('div', { class: 'alert warn', role: 'note' }, h('strong', {}, 'Their tokens will be disabled. '),
          user.realname, ' is logged out at once and ', tokensNote,
          ' are disabled with the reason “Owner disabled”. Enabling the user later does not re-enable those tokens.'),
        h('div', { class: 'field', dataset: { field: 'enabled' } }, h('div', { class: 'field-error', role: 'alert' }))),
      submitLabel: 'Disable user',
      danger: true,
      submit: async () => {
        const saved = await api.post('/v1/objects/user/update', { filter: { id: user.id }, fields: { enabled: false } });
        Object.assign(user, saved);
        toast(`${user.realname} disabled, with their tokens.`);
        render();
      },
    });
    if (can('api_tokens:view')) {
      try {
        const tokens = await api.get('/v2/api_tokens', { client_id: state.clientId, user_id: user.id, enabled: true,
          limit: 1000 });
        tokensNote.textContent = tokens.length ? `their ${plural(tokens.length, 'enabled personal token')}` : 'their personal tokens (none enabled now)';
      } catch (e) {
        // the count is a courtesy; the warning stands without it
      }
    }
    return handle;
  }

  function openDelete(user) {
    dialog({
      title: `Delete ${user.realname}?`,
      testId: 'delete-user-dialog',
      body: h('div', {}, h('p', {}, `${user.email} can no longer log in, and their personal tokens are deleted. This cannot be undone.`),
        h('div', { class: 'field', dataset: { field: 'id' } }, h('div', { class: 'field-error', role: 'alert' }))),
      submitLabel: 'Delete user',
      danger: true,
      submit: async () => {
        await api.post('/v1/objects/user/delete', { filter: { id: user.id } });
        toast(`${user.realname} deleted.`);
        load();
      },
    });
  }

  function openCreate() {
    const name = h('input', { type: 'text', name: 'realname', autocomplete: 'off', maxlength: 255 });
    const email = h('input', { type: 'email', name: 'email', autocomplete: 'off', maxlength: 320 });
    const password = h('input', { type: 'password', name: 'password', autocomplete: 'new-password' });
    const role = h('select', { name: 'role' });
    for (const choice of roleChoices()) {
      role.append(h('option', { value: choice.role.id, disabled: !choice.allowed },
        choice.allowed ? choice.role.title : `${choice.role.title} — ${choice.reason}`));
    }
    role.value = 'analytic';
    const matrix = permissionMatrix({ cap: held(), label: 'Permissions of the new user' });
    const custom = fieldset({ legend: 'Custom permissions', name: 'custom-permissions', children: matrix.element });
    const sync = () => { custom.hidden = role.value !== 'custom'; };
    role.addEventListener('change', sync);
    sync();
    dialog({
      title: 'Add user',
      drawer: true,
      testId: 'user-drawer',
      body: h('div', {},
        field({ label: 'Name', name: 'realname', control: name }),
        field({ label: 'Email', name: 'email', control: email, hint: 'They log in with this address.' }),
        field({ label: 'Password', name: 'password', control: password,
          hint: 'Leave empty to get a one-time link for them to set their own. Otherwise at least 12 characters '
            + '(or 10 with a digit and a symbol), shared safely.' }),
        field({ label: 'Role', name: 'role', field: 'permissions', control: role,
          hint: 'You can give a role up to your own, never above it.' }),
        custom),
      submitLabel: 'Add user',
      submit: async () => {
        const body = { realname: name.value.trim(), email: email.value.trim(), clientid: state.clientId,
          permissions: role.value === 'custom' ? matrix.value() : [role.value] };
        if (password.value) body.password = password.value;
        const created = await api.post('/v1/objects/user/create', body);
        password.value = '';
        toast(`${body.realname} added.`);
        load();
        // Shown once the drawer has closed: the link is in this answer only.
        if (created.set_password_url) setTimeout(() => showPasswordLink({ user: created, url: created.set_password_url }));
      },
    });
  }

  load();
}
