// A token's state and its row actions: the secret shown once, renew, enable, disable, delete.
import * as api from './api.js';
import { h, dialog, field, toast, copyText, formatDate, secretField } from './dom.js';
import { state, isAdmin } from './session.js';
import { roleTitle } from './catalogue.js';
import { expiryControl } from './token-form.js';

export const REASONS = {
  manual: 'Disabled manually',
  expired: 'Expired',
  owner_disabled: 'Owner disabled',
  api_access_revoked: 'API access revoked',
  leaked: 'Secret reported as leaked',
};

export const USAGES = { api: 'API', node_deployment: 'Node deployment' };

/** What a token of each usage can do, shown under the usage in the token form. */
export const USAGE_NOTES = {
  api: 'An API token calls the Cloud API and the verifier with the permissions below.',
  node_deployment: 'A node deployment token only registers node instances: a host sends it to '
    + 'POST /v2/node/register, and its labels.group names the node, which is created if missing. '
    + 'Everywhere else it is refused, the verifier included: it cannot manage tokens or use the Console.',
};


/** Whether the user may read (and renew) this token's secret: its owner, or any admin for a shared one. */
export function canReadSecret(token) {
  return token.shared ? isAdmin() : token.user_id === state.user.id;
}

export function permissionsSummary(token) {
  if (token.legacy) return `${roleTitle(token.source_role)} (follows the owner)`;
  if (token.source_role !== 'custom') return roleTitle(token.source_role);
  const count = token.permissions.length;
  return `Custom · ${count} permission${count === 1 ? '' : 's'}`;
}

const GRACE = [
  [0, 'None: the old value stops working now'],
  [3600, '1 hour'],
  [86400, '1 day'],
  [604800, '7 days'],
];

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
  const { input, element: secretBox } = secretField(secret, 'Token value', 'Token copied to the clipboard.');
  const [before, after] = SECRET_LEAD[mode];
  const handle = dialog({
    title,
    testId: 'secret-dialog',
    body: h('div', {},
      h('p', {}, before, h('strong', {}, `“${token.realname}”`), after),
      secretBox,
      mode === 'revealed' ? null : h('div', { class: 'alert warn small spaced-top' },
        'Treat it like a password. Later only its owner',
        token.shared ? ' (any administrator, for a shared token)' : '',
        ' can reveal it again, from the token’s menu.'),
      token.usage === 'node_deployment'
        ? [h('div', { class: 'small muted spaced-top' }, 'A host registers a node instance with it (the group names the node):'),
          h('code', { class: 'code' }, `curl -X POST -H "X-WallarmApi-Token: $TOKEN" \\\n  -H "Content-Type: application/json" \\\n`
            + `  -d '{"hostname": "host-1", "labels": {"group": "edge"}}' \\\n  ${location.origin}/v2/node/register`)]
        : [h('div', { class: 'small muted spaced-top' }, 'Send it in the X-WallarmApi-Token header:'),
          h('code', { class: 'code' }, `curl -H "X-WallarmApi-Token: $TOKEN" ${location.origin}/v1/user`)]),
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
      token.legacy && token.legacy_pair_active
        ? h('div', { class: 'alert warn', role: 'note', 'data-testid': 'legacy-renew-note' },
          h('strong', {}, 'The old credential pair will stop. '),
          'This backward-compatible token still accepts its old X-WallarmAPI-UUID and X-WallarmAPI-Secret pair. '
          + 'Renewing ends that pair at once and for good, whatever the grace period below: move older clients to '
          + 'the token’s value first.')
        : null,
      field({ label: 'Keep the old value working for', name: 'grace_seconds', control: grace,
        hint: 'A grace period lets you roll the new value out before the old one stops.' })),
    submitLabel: 'Renew secret',
    submit: async () => {
      const renewed = await api.post(`/v2/api_tokens/${token.id}/secret`, { grace_seconds: Number(grace.value) });
      document.querySelectorAll('dialog[data-testid="token-drawer"]').forEach((d) => d.close());
      onSaved({ ...token, token_generated_at: renewed.token_generated_at,
        legacy_pair_active: token.legacy ? false : token.legacy_pair_active });
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
