// The create/edit drawer of a token and its smaller dialogs: the secret, renew, enable, delete.
import * as api from './api.js';
import {
  h, dialog, field, fieldset, uid, toast, copyText, busy, dateInputValue, daysFromNow, endOfDay, formatDate,
  formatDateTime,
} from './dom.js';
import { state, held, isAdmin, isGlobal, workingOnTechnicalTenant } from './session.js';
import { roleTitle, tokenPresets, tokenCap } from './catalogue.js';
import { permissionMatrix } from './matrix.js';

export const REASONS = {
  manual: 'Disabled manually',
  expired: 'Expired',
  owner_disabled: 'Owner disabled',
  api_access_revoked: 'API access revoked',
};

export const USAGES = { api: 'API', node_deployment: 'Node deployment' };

const GRACE = [
  [0, 'None: the old value stops working now'],
  [3600, '1 hour'],
  [86400, '1 day'],
  [604800, '7 days'],
];

/** Whether the user may read (and renew) this token's secret: its owner, or any admin for a shared one (T2, T4). */
export function canReadSecret(token) {
  return token.shared ? isAdmin() : token.user_id === state.user.id;
}

export function permissionsSummary(token) {
  if (token.legacy) return `${roleTitle(token.source_role)} (follows the owner)`;
  if (token.source_role !== 'custom') return roleTitle(token.source_role);
  const count = token.permissions.length;
  return `Custom · ${count} permission${count === 1 ? '' : 's'}`;
}

/** "Never" or a date, as two radios and a date picker. */
function expiryControl({ name, legend, initial, required = false }) {
  const radioName = uid('expiry');
  const never = h('input', { type: 'radio', name: radioName, value: 'never', dataset: { expiry: 'never' } });
  const onDate = h('input', { type: 'radio', name: radioName, value: 'date', dataset: { expiry: 'date' } });
  const tomorrow = dateInputValue(daysFromNow(1));
  const date = h('input', { type: 'date', class: 'control', min: tomorrow, 'aria-label': 'Expiry date',
    dataset: { expiry: 'input' } });
  date.value = initial === undefined ? dateInputValue(daysFromNow(90)) : initial ? dateInputValue(new Date(initial)) : '';
  if (initial === null) never.checked = true; else onDate.checked = true;
  const sync = () => { date.disabled = never.checked; };
  never.addEventListener('change', sync);
  onDate.addEventListener('change', () => { sync(); if (!date.value) date.value = dateInputValue(daysFromNow(90)); date.focus(); });
  date.addEventListener('focus', () => { if (!onDate.checked) { onDate.checked = true; sync(); } });
  sync();
  const element = fieldset({ legend, name,
    hint: required ? 'A disabled token needs a new expiry date, or Never.' : 'The token stops working at the end of this day.',
    children: h('div', { class: 'choice-row' },
      h('label', { class: 'choice' }, never, 'Never'),
      h('label', { class: 'choice' }, onDate, 'On'), date) });
  return {
    element,
    /** The ISO instant, or null for never. */
    value: () => (never.checked ? null : date.value ? endOfDay(date.value) : ''),
    dateValue: () => (never.checked ? null : date.value),
  };
}

/** Preset role or custom matrix, capped by what the user may grant. */
function permissionsControl({ token, shared }) {
  const radioName = uid('perm-mode');
  const presetRadio = h('input', { type: 'radio', name: radioName, value: 'preset', dataset: { mode: 'preset' } });
  const customRadio = h('input', { type: 'radio', name: radioName, value: 'custom', dataset: { mode: 'custom' } });
  const select = h('select', { class: 'control', 'aria-label': 'Role preset', name: 'preset' });
  const technical = workingOnTechnicalTenant();
  const capFor = (isShared) => tokenCap({ held: held(), shared: isShared, technical });
  const matrix = permissionMatrix({ cap: capFor(shared),
    selected: token && token.source_role === 'custom' ? token.permissions : [] });
  const presetBox = h('div', { class: 'preset-box' }, select);
  const customBox = h('div', { class: 'custom-box' }, matrix.element);

  function fillPresets(isShared) {
    const previous = select.value;
    select.replaceChildren();
    const choices = tokenPresets({ held: held(), globalUser: isGlobal(), shared: isShared, technical });
    for (const choice of choices) {
      const label = choice.allowed ? choice.role.title : `${choice.role.title} — ${choice.reason}`;
      select.append(h('option', { value: choice.role.id, disabled: !choice.allowed }, label));
    }
    const wanted = [previous, token && token.source_role, state.user.role, 'analytic']
      .find((id) => id && choices.some((c) => c.allowed && c.role.id === id));
    const fallback = choices.find((c) => c.allowed);
    select.value = wanted || (fallback ? fallback.role.id : '');
  }

  const syncMode = () => {
    presetBox.hidden = !presetRadio.checked;
    customBox.hidden = !customRadio.checked;
  };
  presetRadio.addEventListener('change', syncMode);
  customRadio.addEventListener('change', syncMode);
  fillPresets(shared);
  if (token && token.source_role === 'custom') customRadio.checked = true; else presetRadio.checked = true;
  if (!select.value && !token) customRadio.checked = true;
  syncMode();

  const element = fieldset({ legend: 'Permissions', name: 'permissions',
    children: [
      h('div', { class: 'choice-row' },
        h('label', { class: 'choice' }, presetRadio, 'Role preset'),
        h('label', { class: 'choice' }, customRadio, 'Custom permissions')),
      h('div', { class: 'hint' }, 'A token can never do more than its owner. Presets you cannot grant are shown but not selectable.'),
      presetBox, customBox] });
  presetBox.classList.add('spaced');
  return {
    element,
    value: () => (presetRadio.checked ? (select.value ? [select.value] : []) : matrix.value()),
    setShared: (isShared) => { fillPresets(isShared); matrix.setCap(capFor(isShared)); },
  };
}

function sameList(a, b) {
  return a.length === b.length && [...a].sort().join() === [...b].sort().join();
}

function parseIps(text) {
  return text.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
}

/** The secret of a token as its hint, with Show and Copy for those who may read it (4.3). */
function secretControl(token) {
  const input = h('input', { type: 'text', readonly: true, class: 'control mono', value: token.secret_hint || '',
    'aria-label': 'Secret', dataset: { secret: 'value' } });
  let revealed = null;
  const fetchSecret = async () => {
    if (!revealed) revealed = (await api.get(`/v2/api_tokens/${token.id}/secret`)).secret;
    return revealed;
  };
  const show = h('button', { type: 'button', class: 'btn small', dataset: { secret: 'show' } }, 'Show');
  show.addEventListener('click', () => busy(show, async () => {
    try {
      if (input.value === revealed) {
        input.value = token.secret_hint;
        show.textContent = 'Show';
      } else {
        input.value = await fetchSecret();
        show.textContent = 'Hide';
      }
    } catch (e) { toast(e.message, 'error'); }
  }));
  const copy = h('button', { type: 'button', class: 'btn small', dataset: { secret: 'copy' } }, 'Copy');
  copy.addEventListener('click', () => busy(copy, async () => {
    try {
      toast(await copyText(await fetchSecret()) ? 'Secret copied to the clipboard.' : 'Copy failed: select the value and copy it.',
        'info');
    } catch (e) { toast(e.message, 'error'); }
  }));
  const readable = canReadSecret(token);
  return h('div', { class: 'field', dataset: { field: 'secret' } },
    h('div', { class: 'label' }, 'Secret'),
    h('div', { class: 'secret' }, input, readable ? show : null, readable ? copy : null),
    h('div', { class: 'hint' }, readable
      ? `Generated ${formatDateTime(token.token_generated_at)}. Treat it like a password.`
      : 'Only the owner can read a personal token’s secret.'));
}

/** The create (token = null) or edit drawer. */
export function openTokenDrawer({ token = null, onSaved }) {
  const editing = Boolean(token);
  const name = h('input', { type: 'text', name: 'realname', maxlength: 255, autocomplete: 'off', required: true,
    placeholder: 'e.g. CI pipeline', value: token ? token.realname : '' });
  const ownerSelect = h('select', { name: 'owner' },
    h('option', { value: 'me' }, `Me — ${state.user.realname}`),
    isAdmin() ? h('option', { value: 'shared' }, 'Shared — belongs to the client, not a person') : null);
  const usage = h('select', { name: 'usage' },
    Object.entries(USAGES).map(([id, title]) => h('option', { value: id }, title)));
  const expiry = expiryControl({ name: 'expire_at', legend: 'Expires',
    initial: editing ? token.expire_at : undefined });
  const permissions = token && token.legacy ? null : permissionsControl({ token, shared: token ? token.shared : false });
  const ips = h('textarea', { name: 'allowed_ips', rows: 3, placeholder: 'Any address',
    spellcheck: 'false' });
  ips.value = token ? token.allowed_ips.join('\n') : '';

  if (!editing && isAdmin()) {
    ownerSelect.addEventListener('change', () => permissions.setShared(ownerSelect.value === 'shared'));
    // Other users are listed so an admin sees why they cannot be picked (4.3: nobody creates
    // a personal token for someone else, since its value would pass through their hands).
    api.post('/v1/objects/user', { filter: { clientid: state.clientId }, limit: 1000 }).then((users) => {
      const others = users.filter((u) => u.id !== state.user.id);
      if (others.length) {
        ownerSelect.append(h('optgroup', { label: 'Other users create their own personal tokens' },
          others.map((u) => h('option', { value: `user-${u.id}`, disabled: true }, u.realname))));
      }
    }).catch(() => {});
  }

  const body = h('div', {},
    editing ? secretControl(token) : null,
    field({ label: 'Name', name: 'realname', control: name, hint: 'What the token is for, so you recognise it later.' }),
    editing
      ? h('div', { class: 'field' }, h('div', { class: 'label' }, 'Owner'),
        h('div', { class: 'static-value' }, token.shared ? 'Shared (the client)' : token.user_realname || '—'))
      : field({ label: 'Owner', name: 'owner', field: 'user_id', control: ownerSelect,
        hint: isAdmin() ? 'A shared token keeps working when people leave. Only administrators see it.'
          : 'Personal tokens act as you and stop when your account is disabled.' }),
    editing
      ? h('div', { class: 'field' }, h('div', { class: 'label' }, 'Usage'),
        h('div', { class: 'static-value' }, USAGES[token.usage] || token.usage))
      : field({ label: 'Usage', name: 'usage', control: usage,
        hint: 'A node deployment token is accepted only to register nodes.' }),
    expiry.element,
    permissions ? permissions.element
      : h('div', { class: 'field' }, h('div', { class: 'label' }, 'Permissions'),
        h('div', { class: 'static-value' }, permissionsSummary(token))),
    field({ label: 'Allowed IP addresses', name: 'allowed_ips', control: ips,
      hint: 'One IPv4 or IPv6 address or CIDR range per line, e.g. 203.0.113.0/24. Empty means any address.' }));

  return dialog({
    title: editing ? `Edit token “${token.realname}”` : 'Create API token',
    drawer: true,
    testId: 'token-drawer',
    body,
    submitLabel: editing ? 'Save changes' : 'Create token',
    submit: async () => {
      const expireAt = expiry.value();
      if (expireAt === '') {
        throw new api.ApiError(400, { expire_at: { error: 'required', value: null } });
      }
      if (!editing) {
        const created = await api.post('/v2/api_tokens', {
          client_id: state.clientId,
          realname: name.value.trim(),
          shared: ownerSelect.value === 'shared',
          usage: usage.value,
          expire_at: expireAt,
          permissions: permissions.value(),
          allowed_ips: parseIps(ips.value),
          enabled: true,
        });
        onSaved(created);
        showSecret({ title: 'Token created', token: created, secret: created.secret, mode: 'created' });
        return;
      }
      const change = { realname: name.value.trim(), allowed_ips: parseIps(ips.value) };
      if (permissions && !sameList(permissions.value(), token.permissions)) change.permissions = permissions.value();
      const before = token.expire_at ? dateInputValue(new Date(token.expire_at)) : null;
      if (expiry.dateValue() !== before) change.expire_at = expireAt;
      const saved = await api.put(`/v2/api_tokens/${token.id}`, change);
      toast(`Token “${saved.realname}” saved.`);
      onSaved(saved);
    },
    extraFooter: editing && canReadSecret(token)
      ? h('button', { type: 'button', class: 'btn ghost', onclick: () => openRenew(token, onSaved) }, 'Renew secret…')
      : null,
  });
}

const SECRET_LEAD = {
  created: ['Your new token ', ' is ready. Copy its value now and store it safely.'],
  renewed: ['The new value of ', ' is ready. Update everything that uses the old one.'],
  revealed: ['The value of ', '. Close this dialog when you are done.'],
};

/**
 * Shows a secret (after create or renew, or revealed on request) with a copy button. The value
 * lives only in this dialog and is wiped when it closes.
 */
export function showSecret({ title, token, secret, mode }) {
  const input = h('input', { type: 'text', readonly: true, class: 'control mono', 'aria-label': 'Token value',
    dataset: { secret: 'new' } });
  input.value = secret;
  const copy = h('button', { type: 'button', class: 'btn primary', dataset: { secret: 'copy-new' } }, 'Copy');
  copy.addEventListener('click', async () => {
    const ok = await copyText(input.value);
    copy.textContent = ok ? 'Copied' : 'Copy failed';
    toast(ok ? 'Token copied to the clipboard.' : 'Copy failed: select the value and copy it.', ok ? 'info' : 'error');
  });
  input.addEventListener('focus', () => input.select());
  const [before, after] = SECRET_LEAD[mode];
  const handle = dialog({
    title,
    testId: 'secret-dialog',
    body: h('div', {},
      h('p', {}, before, h('strong', {}, `“${token.realname}”`), after),
      h('div', { class: 'secret' }, input, copy),
      mode === 'revealed' ? null : h('div', { class: 'alert warn small spaced-top' },
        'Treat it like a password. Later only its owner',
        token.shared ? ' (any administrator, for a shared token)' : '',
        ' can reveal it again, from the token’s menu.'),
      h('div', { class: 'small muted spaced-top' }, 'Send it in the X-WallarmApi-Token header:'),
      h('code', { class: 'code' }, `curl -H "X-WallarmApi-Token: $TOKEN" ${location.origin}/v1/user`)),
    submitLabel: 'Done',
    noCancel: true,
    submit: async () => {},
    onClose: () => { input.value = ''; },
  });
  input.focus();
  return handle;
}

export function openRenew(token, onSaved) {
  const grace = h('select', { name: 'grace_seconds' }, GRACE.map(([s, label]) => h('option', { value: s }, label)));
  dialog({
    title: `Renew “${token.realname}”`,
    testId: 'renew-dialog',
    body: h('div', {},
      h('p', {}, 'A new value replaces the current one. Anything that uses the old value must be updated.'),
      field({ label: 'Keep the old value working for', name: 'grace_seconds', control: grace,
        hint: 'A grace period lets you roll the new value out before the old one stops.' })),
    submitLabel: 'Renew secret',
    submit: async () => {
      const renewed = await api.post(`/v2/api_tokens/${token.id}/secret`, { grace_seconds: Number(grace.value) });
      document.querySelectorAll('dialog[data-testid="token-drawer"]').forEach((d) => d.close());
      onSaved({ ...token, token_generated_at: renewed.token_generated_at });
      showSecret({ title: 'Secret renewed', token, secret: renewed.secret, mode: 'renewed' });
    },
  });
}

export function openEnable(token, onSaved) {
  const expiry = expiryControl({ name: 'expire_at', legend: 'New expiry', initial: undefined, required: true });
  dialog({
    title: `Enable “${token.realname}”`,
    testId: 'enable-dialog',
    body: h('div', {},
      h('p', {}, token.disabled_reason ? `This token is disabled (${(REASONS[token.disabled_reason] || token.disabled_reason).toLowerCase()}). `
        : '', 'Choose when it should expire from now on.'),
      expiry.element,
      h('div', { class: 'field', dataset: { field: 'enabled' } }, h('div', { class: 'field-error', role: 'alert' }))),
    submitLabel: 'Enable token',
    submit: async () => {
      const expireAt = expiry.value();
      if (expireAt === '') throw new api.ApiError(400, { expire_at: { error: 'required', value: null } });
      const saved = await api.put(`/v2/api_tokens/${token.id}`, { enabled: true, expire_at: expireAt });
      toast(`Token “${saved.realname}” enabled${saved.expire_at ? ` until ${formatDate(saved.expire_at)}` : ''}.`);
      onSaved(saved);
    },
  });
}

export async function disableToken(token, onSaved) {
  try {
    const saved = await api.put(`/v2/api_tokens/${token.id}`, { enabled: false });
    toast(`Token “${saved.realname}” disabled.`);
    onSaved(saved);
  } catch (e) {
    toast(e.message, 'error');
  }
}

export function openDelete(token, onDeleted) {
  dialog({
    title: `Delete “${token.realname}”?`,
    testId: 'delete-dialog',
    body: h('p', {}, 'Anything using this token stops working at once. This cannot be undone.'),
    submitLabel: 'Delete token',
    danger: true,
    submit: async () => {
      await api.del(`/v2/api_tokens/${token.id}`);
      toast(`Token “${token.realname}” deleted.`);
      onDeleted(token);
    },
  });
}

/** Copies a token's secret straight from the row menu. */
export async function copySecret(token) {
  try {
    const { secret } = await api.get(`/v2/api_tokens/${token.id}/secret`);
    toast(await copyText(secret) ? `Secret of “${token.realname}” copied.` : 'Copy failed.');
  } catch (e) {
    toast(e.message, 'error');
  }
}
