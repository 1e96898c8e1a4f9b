// The create/edit drawer of a token.
import * as api from './api.js';
import { h, dialog, field, toast, copyText, busy, dateInputValue, formatDateTime } from './dom.js';
import { state, isAdmin } from './session.js';
import { expiryControl, permissionsControl, tokenPolicy } from './token-form.js';
import { USAGES, USAGE_NOTES, canReadSecret, permissionsSummary, showSecret, openRenew } from './token-actions.js';

function sameList(a, b) {
  return a.length === b.length && [...a].sort().join() === [...b].sort().join();
}

function parseIps(text) {
  return text.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
}

/** The secret of a token as its hint, with Show and Copy for those who may read it. */
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

/** Whether a backward-compatible token's old UUID + secret key pair still works (4.5). */
function legacyPairControl(token) {
  const active = token.legacy_pair_active;
  return h('div', { class: 'field', 'data-testid': 'legacy-pair' },
    h('div', { class: 'label' }, 'Legacy credential pair'),
    h('div', { class: 'static-value' }, active ? h('span', { class: 'pill ok' }, 'Still works')
      : h('span', { class: 'pill off' }, 'Ended')),
    h('div', { class: 'hint' }, active
      ? 'Older clients still authenticate as this token with its X-WallarmAPI-UUID and X-WallarmAPI-Secret pair. '
        + 'Renewing the secret, deleting the token or moving its owner to SSO ends the pair for good.'
      : 'The old UUID and secret key pair no longer works, for good. The token keeps working by its value.'),
    h('div', { class: 'hint' }, 'Its permissions always follow the owner’s role.'));
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
  const usageNote = h('span', { 'data-testid': 'usage-note' }, USAGE_NOTES[editing ? token.usage : usage.value] || '');
  usage.addEventListener('change', () => { usageNote.textContent = USAGE_NOTES[usage.value]; });
  const expiry = expiryControl({ name: 'expire_at', legend: 'Expires',
    initial: editing ? token.expire_at : undefined });
  // Under a maximum lifetime a token made before it shows a date it does not have yet: it is sent
  // only when changed, so a rename never gives the token an expiry behind its owner's back.
  const shownDate = expiry.dateValue();
  const undatedUnderMax = editing && token.expire_at === null && tokenPolicy().token_max_lifetime_days;
  const permissions = token && token.legacy ? null : permissionsControl({ token, shared: token ? token.shared : false });
  const ips = h('textarea', { name: 'allowed_ips', rows: 3, placeholder: 'Any address',
    spellcheck: 'false' });
  ips.value = token ? token.allowed_ips.join('\n') : '';
  const description = h('textarea', { name: 'description', rows: 2, maxlength: 1000,
    placeholder: 'Optional: what it is for, who to ask about it' });
  description.value = token && token.description ? token.description : '';
  // The client may require shared tokens to name the addresses they are used from.
  const ipsRequired = () => tokenPolicy().shared_tokens_require_allowed_ips
    && (editing ? token.shared : ownerSelect.value === 'shared');
  const ipsHint = h('span', {});
  const syncIps = () => {
    ips.required = ipsRequired();
    ips.placeholder = ips.required ? 'Required for shared tokens of this client' : 'Any address';
    ipsHint.textContent = (ips.required ? 'Required: this client’s shared tokens must name the addresses they are used from. ' : '')
      + 'One IPv4 or IPv6 address or CIDR range per line, e.g. 203.0.113.0/24.' + (ips.required ? '' : ' Empty means any address.');
  };
  syncIps();
  ownerSelect.addEventListener('change', syncIps);

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
    editing && token.legacy ? legacyPairControl(token) : null,
    field({ label: 'Name', name: 'realname', control: name, hint: 'What the token is for, so you recognise it later.' }),
    field({ label: 'Description', name: 'description', control: description, hint: 'Up to 1 000 characters.' }),
    editing
      ? h('div', { class: 'field' }, h('div', { class: 'label' }, 'Owner'),
        h('div', { class: 'static-value' }, token.shared ? 'Shared (the client)' : token.user_realname || '—'))
      : field({ label: 'Owner', name: 'owner', field: 'user_id', control: ownerSelect,
        hint: isAdmin() ? 'A shared token keeps working when people leave. Only administrators see it.'
          : 'Personal tokens act as you and stop when your account is disabled.' }),
    editing
      ? h('div', { class: 'field' }, h('div', { class: 'label' }, 'Usage'),
        h('div', { class: 'static-value' }, USAGES[token.usage] || token.usage),
        h('div', { class: 'hint' }, usageNote))
      : field({ label: 'Usage', name: 'usage', control: usage, hint: usageNote }),
    expiry.element,
    undatedUnderMax ? h('div', { class: 'alert info', 'data-testid': 'undated-note' },
      'This token never expires: it was made before the client’s maximum lifetime. It keeps working as it is; '
      + 'change the date to give it an expiry within the maximum.') : null,
    editing && token.last_used_at ? h('div', { class: 'field' }, h('div', { class: 'label' }, 'Last used'),
      h('div', { class: 'static-value', 'data-testid': 'drawer-last-used' },
        `${formatDateTime(token.last_used_at)}${token.last_used_ip ? ` from ${token.last_used_ip}` : ''}`)) : null,
    permissions ? permissions.element
      : h('div', { class: 'field' }, h('div', { class: 'label' }, 'Permissions'),
        h('div', { class: 'static-value' }, permissionsSummary(token))),
    field({ label: 'Allowed IP addresses', name: 'allowed_ips', control: ips, hint: ipsHint }));

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
      if (ipsRequired() && !parseIps(ips.value).length) {
        throw new api.ApiError(400, { allowed_ips: { error: 'required', value: [] } });
      }
      if (!editing) {
        const created = await api.post('/v2/api_tokens', {
          client_id: state.clientId,
          realname: name.value.trim(),
          description: description.value.trim(),
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
      const change = { realname: name.value.trim() };
      // Only what changed: a token written before a stricter policy keeps the rest as it is.
      if (!sameList(parseIps(ips.value), token.allowed_ips)) change.allowed_ips = parseIps(ips.value);
      if (description.value.trim() !== (token.description || '')) change.description = description.value.trim();
      if (permissions && !sameList(permissions.value(), token.permissions)) change.permissions = permissions.value();
      const before = token.expire_at ? dateInputValue(new Date(token.expire_at)) : null;
      if (expiry.dateValue() !== before && !(undatedUnderMax && expiry.dateValue() === shownDate)) change.expire_at = expireAt;
      const saved = await api.put(`/v2/api_tokens/${token.id}`, change);
      toast(`Token “${saved.realname}” saved.`);
      onSaved(saved);
    },
    extraFooter: editing && canReadSecret(token)
      ? h('button', { type: 'button', class: 'btn ghost', onclick: () => openRenew(token, onSaved) }, 'Renew secret…')
      : null,
  });
}
