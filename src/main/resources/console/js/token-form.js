// The parts of a token form: the expiry ("Never" or a date) and the permissions (a role preset or the
// custom matrix), each capped by what the user may grant.
import { h, fieldset, uid, dateInputValue, daysFromNow, endOfDay, plural } from './dom.js';
import { held, isGlobal, workingOnTechnicalTenant } from './session.js';
import { tokenPresets, tokenCap } from './catalogue.js';
import { permissionMatrix } from './matrix.js';

// The token policy of the client the token list was last read for (it answers it beside the list).
let policy = { token_max_lifetime_days: null, token_default_lifetime_days: null, shared_tokens_require_allowed_ips: false };

/** Remembers the working client's token policy, for the forms below. */
export function setTokenPolicy(next) {
  if (next) policy = next;
}

export function tokenPolicy() {
  return policy;
}

// Under a maximum lifetime the last allowed day ends a little before the limit: the server counts
// the maximum from the moment it writes, so a few minutes are kept for the clocks' difference.
const MARGIN_MS = 10 * 60 * 1000;

/**
 * "Never" or a date, as two radios and a date picker. Under the client's maximum lifetime "Never"
 * is not offered and the picker stops at the last allowed day; a new token starts at the client's
 * default lifetime (else 90 days, or the maximum when it is shorter).
 */
export function expiryControl({ name, legend, initial, required = false }) {
  const max = policy.token_max_lifetime_days;
  const startDays = Math.min(policy.token_default_lifetime_days || 90, max || Infinity);
  const radioName = uid('expiry');
  const never = h('input', { type: 'radio', name: radioName, value: 'never', dataset: { expiry: 'never' } });
  const onDate = h('input', { type: 'radio', name: radioName, value: 'date', dataset: { expiry: 'date' } });
  const tomorrow = dateInputValue(daysFromNow(1));
  const date = h('input', { type: 'date', class: 'control', min: tomorrow, 'aria-label': 'Expiry date',
    dataset: { expiry: 'input' } });
  if (max) date.max = dateInputValue(daysFromNow(max));
  date.value = initial === undefined || (initial === null && max)
    ? dateInputValue(daysFromNow(startDays)) : initial ? dateInputValue(new Date(initial)) : '';
  if (initial === null && !max) never.checked = true; else onDate.checked = true;
  const sync = () => { date.disabled = never.checked; };
  never.addEventListener('change', sync);
  onDate.addEventListener('change', () => { sync(); if (!date.value) date.value = dateInputValue(daysFromNow(startDays)); date.focus(); });
  date.addEventListener('focus', () => { if (!onDate.checked) { onDate.checked = true; sync(); } });
  sync();
  const rule = max ? `Tokens of this client expire within ${plural(max, 'day')}.` : null;
  const element = fieldset({ legend, name,
    hint: [rule, required ? (max ? 'A disabled token needs a new expiry date.' : 'A disabled token needs a new expiry date, or Never.')
      : 'The token stops working at the end of this day.'].filter(Boolean).join(' '),
    children: h('div', { class: 'choice-row' },
      max ? null : h('label', { class: 'choice' }, never, 'Never'),
      h('label', { class: 'choice' }, onDate, max ? 'Expires on' : 'On'), date) });
  element.dataset.maxDays = max || '';
  const value = () => {
    if (!max && never.checked) return null;
    if (!date.value) return '';
    const end = endOfDay(date.value);
    const limit = Date.now() + max * 86400000 - MARGIN_MS;
    return max && new Date(end).getTime() > limit ? new Date(limit).toISOString() : end;
  };
  return {
    element,
    /** The ISO instant, or null for never. */
    value,
    dateValue: () => (!max && never.checked ? null : date.value),
  };
}

/** Preset role or custom matrix, capped by what the user may grant. */
export function permissionsControl({ token, shared }) {
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
    const wanted = [previous, token && token.source_role]
      .find((id) => id && choices.some((c) => c.allowed && c.role.id === id));
    // A new token starts from the least powerful preset the user may grant, never from the most.
    // (The deploy role is for node deployment tokens only.)
    const least = choices.filter((c) => c.allowed && c.role.id !== 'deploy')
      .sort((a, b) => a.role.permissions.length - b.role.permissions.length)[0];
    select.value = wanted || (least ? least.role.id : '');
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
