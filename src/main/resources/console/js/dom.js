// Small DOM helpers: elements built with textContent only (no HTML strings are ever parsed), dialogs on
// the native <dialog> (focus trap, Esc), an accessible menu, toasts, dates and clipboard.
import { icon } from './icons.js';

let sequence = 0;

/** A unique id for label/aria wiring. */
export function uid(prefix = 'id') {
  sequence += 1;
  return `${prefix}-${sequence}`;
}

/**
 * Creates an element. attrs: class, text, dataset, on<event> listeners, booleans as present/absent
 * attributes, anything else as an attribute. Children: nodes or text; null/false are skipped.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'value' && 'value' in el) el.value = value;
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/** Marks a button busy (spinner, disabled) while an async action runs. */
export async function busy(button, action) {
  if (!button) return action();
  button.setAttribute('aria-busy', 'true');
  button.disabled = true;
  try {
    return await action();
  } finally {
    button.removeAttribute('aria-busy');
    button.disabled = false;
  }
}

/**
 * A modal dialog (or a side drawer) holding a form. `submit` runs on Enter or the primary button;
 * when it resolves the dialog closes, when it throws the error stays shown in the dialog.
 */
export function dialog({ title, body, submitLabel, cancelLabel = 'Cancel', danger = false, drawer = false,
  wide = false, submit, onClose, extraFooter = null, noCancel = false, testId }) {
  const titleId = uid('dialog-title');
  const alert = h('div', { class: 'alert error', role: 'alert' });
  const submitButton = submitLabel
    ? h('button', { type: 'submit', class: `btn ${danger ? 'danger' : 'primary'}`, dataset: { role: 'submit' } }, submitLabel)
    : null;
  const close = () => dlg.close();
  const form = h('form', { class: 'dialog-form', method: 'dialog', novalidate: true },
    h('div', { class: 'dialog-head' },
      h('h2', { id: titleId }, title),
      h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Close', onclick: close }, icon('close'))),
    h('div', { class: 'dialog-body' }, alert, body),
    h('div', { class: 'dialog-foot' }, extraFooter,
      noCancel ? null : h('button', { type: 'button', class: 'btn', onclick: close }, submitLabel ? cancelLabel : 'Close'),
      submitButton));
  const dlg = h('dialog', { class: drawer ? 'drawer' : `modal${wide ? ' wide' : ''}`, 'aria-labelledby': titleId,
    'data-testid': testId }, form);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!submit) { close(); return; }
    clearErrors(form);
    try {
      await busy(submitButton, () => submit(form));
      close();
    } catch (error) {
      showErrors(form, error);
    }
  });
  dlg.addEventListener('close', () => {
    dlg.remove();
    if (onClose) onClose();
  });
  document.body.append(dlg);
  dlg.showModal();
  const first = form.querySelector('.dialog-body input:not([type=hidden]):not(:disabled), .dialog-body select, .dialog-body textarea');
  if (first && !first.readOnly) first.focus();
  return { dialog: dlg, form, alert, close };
}

/** A labelled field with a hint and an error slot that API field errors land in (data-field). */
export function field({ label, name, control, hint, field: apiField }) {
  const id = control.id || uid(name || 'field');
  control.id = id;
  const errorId = `${id}-error`;
  const hintId = hint ? `${id}-hint` : null;
  control.setAttribute('aria-describedby', [hintId, errorId].filter(Boolean).join(' '));
  return h('div', { class: 'field', dataset: { field: apiField || name } },
    h('label', { for: id }, label),
    control,
    hint ? h('div', { class: 'hint', id: hintId }, hint) : null,
    h('div', { class: 'field-error', id: errorId, role: 'alert' }));
}

/** A group of controls (radios, a matrix) with a legend and an error slot. */
export function fieldset({ legend, name, children, hint }) {
  return h('fieldset', { class: 'field', dataset: { field: name } },
    h('legend', {}, legend),
    children,
    hint ? h('div', { class: 'hint' }, hint) : null,
    h('div', { class: 'field-error', role: 'alert' }));
}

const MESSAGES = {
  required: 'This field is required.',
  invalid: 'This value is not valid.',
  too_long: 'This is too long.',
  not_allowed: 'This is not allowed.',
  in_past: 'Choose a date in the future.',
  too_short: 'This is too short.',
  too_common: 'This is one of the most common passwords: choose another.',
  same_as_email: 'This cannot be the email address.',
  expired: 'This has expired.',
  used: 'This has been used already.',
};

const SPECIFIC = {
  'permissions:not_allowed': 'These permissions go beyond your own.',
  'email:invalid': 'Enter a valid email address.',
  'password:too_short': 'Use at least 12 characters, or at least 10 with a digit and a symbol.',
  'password:too_common': 'This is one of the most common passwords: choose another, or leave it empty to send a link.',
  'password:same_as_email': 'The password cannot be the email address.',
  'new_password:too_short': 'Use at least 12 characters.',
  'new_password:same_as_email': 'Your password cannot be your email address.',
  'current_password:invalid': 'This is not your current password.',
  'confirm_password:mismatch': 'The two passwords differ.',
  'vuln_prefix:invalid': 'Use exactly 4 characters: A–Z or 0–9.',
  'vuln_prefix:too_long': 'Use exactly 4 characters: A–Z or 0–9.',
  'expire_at:required': 'Choose an expiry date: a disabled token needs a new one, and this client may require one.',
  'expire_at:not_allowed': 'Too late: this client’s tokens must expire within its maximum lifetime.',
  'allowed_ips:required': 'This client’s shared tokens must name the addresses they are used from.',
  'token_default_lifetime_days:invalid': 'Use a number of days, no more than the maximum lifetime.',
  'token_max_lifetime_days:invalid': 'Use a number of days (1 to 36 500), no less than the default lifetime.',
  'expire_at:in_past': 'Choose a date in the future.',
  'enabled:not_allowed': 'Not allowed: the owner is disabled, this is the last enabled administrator, or the '
    + 'identity provider manages this user.',
  'id:not_allowed': 'You cannot do this to your own account, to the last administrator, or to a user the identity '
    + 'provider manages.',
  'sso:not_allowed': 'Strict single sign-on is on: nobody goes back to a password while it is.',
  'issuer:invalid': 'Use an https address (plain http only for an IdP on this machine).',
  'email_domains:required': 'List at least one email domain to enable single sign-on.',
  'email_domains:invalid': 'Use domain names such as example.com, one per line.',
  'user_id:not_allowed': 'A personal token can only be created by its owner.',
  'api_access:not_allowed': 'Only administrators may have API access.',
  'hostname:exists': 'This client already has a node of this name.',
  'url:invalid': 'Use an http or https URL that this server may post to (not an internal address).',
  'events:required': 'Choose at least one event.',
  'type:invalid': 'Use lowercase letters, digits and _ only, e.g. cloud_node.',
};

/** The text for one API field error. */
export function fieldMessage(name, error) {
  const code = error && error.error;
  if (name === 'allowed_ips' && code === 'invalid' && error.value) {
    return `“${error.value}” is not an IP address or CIDR range.`;
  }
  return SPECIFIC[`${name}:${code}`] || MESSAGES[code] || 'This value is not valid.';
}

export function clearErrors(form) {
  form.querySelectorAll('.field-error').forEach((el) => { el.textContent = ''; });
  form.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
  const alert = form.querySelector('.alert.error');
  if (alert) alert.textContent = '';
}

/** Shows an API error in a form: field errors next to their fields, anything else at the top. */
export function showErrors(form, error) {
  const alert = form.querySelector('.alert.error');
  const fields = error && error.fields;
  if (fields) {
    const unplaced = [];
    for (const [name, detail] of Object.entries(fields)) {
      const slot = form.querySelector(`[data-field="${CSS.escape(name)}"]`);
      const message = fieldMessage(name, detail);
      if (slot) {
        slot.querySelector('.field-error').textContent = message;
        const control = slot.querySelector('input:not([type=radio]):not([type=checkbox]), select, textarea');
        if (control) control.setAttribute('aria-invalid', 'true');
      } else {
        unplaced.push(message);
      }
    }
    if (alert) alert.textContent = unplaced.length ? unplaced.join(' ') : 'Please correct the highlighted fields.';
    const firstInvalid = form.querySelector('[aria-invalid="true"]');
    if (firstInvalid) firstInvalid.focus();
    return;
  }
  if (alert) alert.textContent = (error && error.message) || 'Something went wrong.';
  else toast((error && error.message) || 'Something went wrong.', 'error');
}

/** A button that opens a menu of actions; keyboard: Enter/Space opens, arrows move, Esc closes. */
export function menuButton({ label, content, items, className = 'btn small', note }) {
  const menuId = uid('menu');
  const button = h('button', { type: 'button', class: className, 'aria-haspopup': 'menu', 'aria-expanded': 'false',
    'aria-controls': menuId, 'aria-label': label }, content || label);
  let menu = null;

  const close = (focusButton) => {
    if (!menu) return;
    menu.remove();
    menu = null;
    button.setAttribute('aria-expanded', 'false');
    document.removeEventListener('mousedown', outside, true);
    window.removeEventListener('resize', closeQuietly);
    window.removeEventListener('scroll', closeQuietly, true);
    if (focusButton) button.focus();
  };
  const closeQuietly = (event) => {
    // The menu is placed for the viewport: it closes when the page or a box around its button scrolls.
    if (!event || event.type !== 'scroll' || event.target === document || event.target.contains(button)) close(false);
  };
  const outside = (event) => {
    if (menu && !menu.contains(event.target) && !button.contains(event.target)) close(false);
  };

  const open = () => {
    const visible = items().filter(Boolean);
    menu = h('div', { class: 'menu', role: 'menu', id: menuId, 'aria-label': label },
      note ? note() : null,
      visible.map((item) => h('button', { type: 'button', role: 'menuitem', class: item.danger ? 'danger' : '',
        tabindex: '-1', dataset: { action: item.id || '' },
        onclick: () => { close(true); item.run(); } }, item.label)));
    menu.addEventListener('keydown', (event) => {
      const entries = [...menu.querySelectorAll('[role=menuitem]')];
      const index = entries.indexOf(document.activeElement);
      if (event.key === 'Escape') { event.preventDefault(); close(true); }
      else if (event.key === 'ArrowDown') { event.preventDefault(); entries[(index + 1) % entries.length].focus(); }
      else if (event.key === 'ArrowUp') { event.preventDefault(); entries[(index - 1 + entries.length) % entries.length].focus(); }
      else if (event.key === 'Tab') close(false);
    });
    (button.closest('dialog') || document.body).append(menu);
    const rect = button.getBoundingClientRect();
    const width = Math.max(menu.offsetWidth, 190);
    const left = Math.min(Math.max(8, rect.right - width), window.innerWidth - width - 8);
    let top = rect.bottom + 4;
    if (top + menu.offsetHeight > window.innerHeight - 8) top = Math.max(8, rect.top - menu.offsetHeight - 4);
    menu.style.left = `${left}px`;
    menu.style.top = `${top}px`;
    button.setAttribute('aria-expanded', 'true');
    document.addEventListener('mousedown', outside, true);
    window.addEventListener('resize', closeQuietly);
    window.addEventListener('scroll', closeQuietly, true);
    const first = menu.querySelector('[role=menuitem]');
    if (first) first.focus();
  };

  button.addEventListener('click', () => (menu ? close(true) : open()));
  button.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown' && !menu) { event.preventDefault(); open(); }
  });
  return button;
}

let toastHost = null;

/** A short message at the bottom of the screen, read out by screen readers. */
export function toast(message, kind = 'info') {
  if (!toastHost || !toastHost.isConnected) {
    toastHost = h('div', { class: 'toasts', role: 'status', 'aria-live': 'polite' });
    document.body.append(toastHost);
  }
  const el = h('div', { class: `toast ${kind}`, dataset: { kind } }, message);
  toastHost.append(el);
  setTimeout(() => el.remove(), kind === 'error' ? 7000 : 4000);
}

const dateFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric',
  hour: '2-digit', minute: '2-digit' });

export function formatDate(iso) {
  return iso ? dateFormat.format(new Date(iso)) : '—';
}

export function formatDateTime(iso) {
  return iso ? dateTimeFormat.format(new Date(iso)) : '—';
}

/**
 * How long ago an instant was, in words ("just now", "5 min ago", "3 h ago"); past a day, the date.
 * A moment ahead of this browser's clock (a clock skew) counts as just now.
 */
export function ago(iso, now = Date.now()) {
  const seconds = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  if (seconds < 45) return 'just now';
  if (seconds < 3600) return `${Math.max(1, Math.round(seconds / 60))} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return formatDate(iso);
}

/**
 * A <time> element showing a date (with the time, or how long ago with `relative`) and the full
 * date and time as its tooltip.
 */
export function time(iso, { withTime = false, relative = false, empty = '—' } = {}) {
  if (!iso) return h('span', { class: 'muted' }, empty);
  const text = relative ? ago(iso) : withTime ? formatDateTime(iso) : formatDate(iso);
  return h('time', { datetime: iso, title: formatDateTime(iso) }, text);
}

/** An ISO instant from Unix seconds (the node and /v1/objects answers), or null. */
export function fromSeconds(seconds) {
  return seconds == null ? null : new Date(seconds * 1000).toISOString();
}

/** yyyy-mm-dd of a local date, for <input type=date>. */
export function dateInputValue(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The end of the chosen local day as an ISO instant (a token "expires on" that day). */
export function endOfDay(value) {
  const [y, m, d] = value.split('-').map(Number);
  return new Date(y, m - 1, d, 23, 59, 59, 999).toISOString();
}

export function startOfDay(value) {
  const [y, m, d] = value.split('-').map(Number);
  return new Date(y, m - 1, d, 0, 0, 0, 0).toISOString();
}

export function daysFromNow(days) {
  const date = new Date();
  date.setDate(date.getDate() + days);
  return date;
}

/** Copies text; falls back to a hidden selection where the Clipboard API is unavailable (plain http). */
export async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch (e) {
      // fall through to the selection copy
    }
  }
  const area = h('textarea', { class: 'visually-hidden', readonly: true, 'aria-hidden': 'true' });
  area.value = text;
  (document.querySelector('dialog[open]') || document.body).append(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch (e) {
    ok = false;
  }
  area.value = '';
  area.remove();
  return ok;
}

export function plural(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

export function initials(name) {
  return (name || '?').split(/[\s@.]+/).filter(Boolean).slice(0, 2).map((p) => p[0].toUpperCase()).join('');
}

/**
 * A secret shown once in a dialog: a read-only field holding {@code value} (selected on focus) and a
 * Copy button; {@code label} names the field, {@code copied} is the toast once copied. The caller
 * wipes {@code input.value} when the dialog closes.
 */
export function secretField(value, label, copied) {
  const input = h('input', { type: 'text', readonly: true, class: 'control mono', 'aria-label': label,
    dataset: { secret: 'new' } });
  input.value = value;
  const copy = h('button', { type: 'button', class: 'btn primary', dataset: { secret: 'copy-new' } }, 'Copy');
  copy.addEventListener('click', async () => {
    const ok = await copyText(input.value);
    copy.textContent = ok ? 'Copied' : 'Copy failed';
    toast(ok ? copied : 'Copy failed: select the value and copy it.', ok ? 'info' : 'error');
  });
  input.addEventListener('focus', () => input.select());
  return { input, element: h('div', { class: 'secret' }, input, copy) };
}
