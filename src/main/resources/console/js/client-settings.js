// A client's settings as a Global Administrator edits them: its token policy (the longest and the
// default lifetime of its tokens, and whether shared tokens must name their addresses).
import * as api from './api.js';
import { h, dialog, field, toast, uid } from './dom.js';
import { state } from './session.js';

/** A choice of days (preset or custom), or none. */
function daysChoice({ name, label, presets, noneLabel, value, hint }) {
  const select = h('select', { name: `${name}-choice`, 'aria-label': label },
    h('option', { value: '' }, noneLabel),
    presets.map((days) => h('option', { value: String(days) }, `${days} days`)),
    h('option', { value: 'custom' }, 'Custom…'));
  const custom = h('input', { type: 'number', min: 1, max: 36500, step: 1, name, 'aria-label': `${label} in days`,
    class: 'control', placeholder: 'days' });
  if (value == null) select.value = '';
  else if (presets.includes(value)) select.value = String(value);
  else { select.value = 'custom'; custom.value = String(value); }
  const sync = () => { custom.hidden = select.value !== 'custom'; };
  select.addEventListener('change', () => { sync(); if (!custom.hidden) custom.focus(); });
  sync();
  select.id = uid(name);
  const element = h('div', { class: 'field', dataset: { field: name } },
    h('label', { for: select.id }, label),
    h('div', { class: 'policy-row' }, select, custom),
    hint ? h('div', { class: 'hint' }, hint) : null,
    h('div', { class: 'field-error', role: 'alert' }));
  return {
    element,
    /** The number of days, null for none, NaN when the custom number is not one. */
    value: () => (select.value === '' ? null : select.value === 'custom' ? Number.parseInt(custom.value, 10) : Number(select.value)),
  };
}

/** Opens the settings of the client the Console works on; `onSaved` gets the client as saved. */
export async function openClientSettings(onSaved) {
  let client;
  try {
    [client] = await api.post('/v1/objects/client', { filter: { id: [state.clientId] } });
  } catch (e) {
    toast(e.message, 'error');
    return;
  }
  const max = daysChoice({ name: 'token_max_lifetime_days', label: 'Maximum token lifetime', presets: [30, 60, 90, 180, 365],
    noneLabel: 'No limit', value: client.token_max_lifetime_days,
    hint: 'New, renewed and re-enabled tokens must expire within it; “Never” is then not offered.' });
  const preset = daysChoice({ name: 'token_default_lifetime_days', label: 'Default token lifetime', presets: [30, 60, 90],
    noneLabel: 'None', value: client.token_default_lifetime_days,
    hint: 'The expiry a new token starts with, and gets when a request names none. At most the maximum.' });
  const shared = h('input', { type: 'checkbox', name: 'shared_tokens_require_allowed_ips',
    checked: client.shared_tokens_require_allowed_ips });
  shared.checked = Boolean(client.shared_tokens_require_allowed_ips);
  const days = (control, fieldName) => {
    const value = control.value();
    if (Number.isNaN(value) || (value !== null && (value < 1 || value > 36500))) {
      throw new api.ApiError(400, { [fieldName]: { error: 'invalid', value } });
    }
    return value;
  };
  dialog({
    title: `Token policy of ${client.name}`,
    testId: 'client-settings',
    body: h('div', {},
      h('p', { class: 'muted' }, 'Rules every token of this client follows, enforced by the API as well as here. '
        + 'Existing tokens keep their expiry and addresses: the rules apply when a token is next created, given a new expiry, '
        + 're-enabled, renewed or given new addresses.'),
      max.element,
      preset.element,
      h('div', { class: 'field', dataset: { field: 'shared_tokens_require_allowed_ips' } },
        h('label', { class: 'choice' }, shared, 'Shared tokens must name the IP addresses they are used from'),
        h('div', { class: 'field-error', role: 'alert' }))),
    submitLabel: 'Save policy',
    submit: async () => {
      const fields = {
        token_max_lifetime_days: days(max, 'token_max_lifetime_days'),
        token_default_lifetime_days: days(preset, 'token_default_lifetime_days'),
        shared_tokens_require_allowed_ips: shared.checked,
      };
      const [saved] = await api.post('/v1/objects/client/update', { filter: { id: client.id }, fields });
      const index = state.clients.findIndex((c) => c.id === saved.id);
      if (index >= 0) state.clients[index] = saved;
      toast(`Token policy of ${saved.name} saved.`);
      if (onSaved) onSaved(saved);
    },
  });
}
