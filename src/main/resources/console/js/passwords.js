// Passwords: the user's own change (account menu), the one-time link an administrator hands out
// (shown once), and the page that takes such a link's code (/console/set-password?code=…).
import * as api from './api.js';
import { h, dialog, field, toast, copyText } from './dom.js';

/** What a password must be, in the words the forms show. */
export const PASSWORD_RULES = 'At least 12 characters; not your email address and not a common password.';

/** Change password (account menu): the current one, then the new one twice. */
export function openChangePassword() {
  const current = h('input', { type: 'password', name: 'current_password', autocomplete: 'current-password' });
  const next = h('input', { type: 'password', name: 'new_password', autocomplete: 'new-password' });
  const again = h('input', { type: 'password', name: 'confirm_password', autocomplete: 'new-password' });
  dialog({
    title: 'Change password',
    testId: 'change-password-dialog',
    body: h('div', {},
      field({ label: 'Current password', name: 'current_password', control: current }),
      field({ label: 'New password', name: 'new_password', control: next, hint: PASSWORD_RULES }),
      field({ label: 'New password again', name: 'confirm_password', control: again })),
    submitLabel: 'Change password',
    submit: async () => {
      requireSame(next, again);
      try {
        await api.post('/v1/user/password', { current_password: current.value, new_password: next.value });
      } finally {
        [current, next, again].forEach((input) => { input.value = ''; });
      }
      toast('Password changed. Your other sessions have ended.');
    },
  });
}

/** The same password typed twice, or a field error on the second. */
function requireSame(first, second) {
  if (first.value !== second.value) {
    const error = new api.ApiError(400, { confirm_password: { error: 'mismatch', value: null } });
    throw error;
  }
}

/** A one-time link to set a password, shown once with a copy button. */
export function showPasswordLink({ user, url }) {
  const link = new URL(url, window.location.origin).toString();
  const input = h('input', { type: 'text', readonly: true, 'aria-label': 'One-time link', dataset: { link: 'set-password' } });
  input.value = link;
  const copy = h('button', { type: 'button', class: 'btn primary' }, 'Copy');
  copy.addEventListener('click', async () => {
    const ok = await copyText(input.value);
    copy.textContent = ok ? 'Copied' : 'Copy failed';
    toast(ok ? 'Link copied to the clipboard.' : 'Copy failed: select the link and copy it.', ok ? 'info' : 'error');
  });
  dialog({
    title: 'Link to set a password',
    testId: 'password-link-dialog',
    body: h('div', {},
      h('p', {}, `Send this link to ${user.realname} (${user.email}). It lets them set their password once, `
        + 'within 72 hours; a newer link replaces it, and using it logs them out everywhere.'),
      h('div', { class: 'secret' }, input, copy),
      h('div', { class: 'alert warn', role: 'note' }, 'This link is shown only now: the server keeps no copy of it.')),
    onClose: () => { input.value = ''; },
  });
}

const CODE_PROBLEMS = {
  invalid: 'This link is not valid: it may have been replaced by a newer one. Ask an administrator for a new link.',
  used: 'This link has been used already. Log in with your password, or ask an administrator for a new link.',
  expired: 'This link has expired (links work for 72 hours). Ask an administrator for a new link.',
};

/**
 * The page a one-time link opens: the new password twice. `done(email)` runs once it is set, with
 * the address to log in with.
 */
export function setPasswordPage(code, done) {
  const next = h('input', { type: 'password', id: 'new-password', name: 'new_password', autocomplete: 'new-password' });
  const again = h('input', { type: 'password', id: 'confirm-password', name: 'confirm_password', autocomplete: 'new-password' });
  const alert = h('div', { class: 'alert error', role: 'alert', id: 'set-password-error' });
  const submit = h('button', { type: 'submit', class: 'btn primary', id: 'set-password-submit' }, 'Set password');
  const form = h('form', { method: 'post', action: '/console/', novalidate: true },
    alert,
    field({ label: 'New password', name: 'new_password', control: next, hint: PASSWORD_RULES }),
    field({ label: 'New password again', name: 'confirm_password', control: again }),
    submit);
  const slots = () => form.querySelectorAll('.field-error');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    alert.textContent = '';
    slots().forEach((slot) => { slot.textContent = ''; });
    [next, again].forEach((el) => el.removeAttribute('aria-invalid'));
    if (!code) {
      alert.textContent = CODE_PROBLEMS.invalid;
      return;
    }
    if (next.value !== again.value) {
      fieldError(form, 'confirm_password', 'The two passwords differ.');
      again.focus();
      return;
    }
    submit.setAttribute('aria-busy', 'true');
    submit.disabled = true;
    try {
      const answer = await api.post('/v1/user/set_password', { code, new_password: next.value }, { quiet: true });
      next.value = '';
      again.value = '';
      done(answer.email);
    } catch (e) {
      const fields = e.fields || {};
      if (fields.code) {
        alert.textContent = CODE_PROBLEMS[fields.code.error] || CODE_PROBLEMS.invalid;
      } else if (fields.new_password) {
        fieldError(form, 'new_password', NEW_PASSWORD_PROBLEMS[fields.new_password.error] || 'This password cannot be used.');
        next.focus();
      } else {
        alert.textContent = e.message;
      }
    } finally {
      submit.removeAttribute('aria-busy');
      submit.disabled = false;
    }
  });
  if (!code) alert.textContent = CODE_PROBLEMS.invalid;
  return { form, focus: () => next.focus() };
}

const NEW_PASSWORD_PROBLEMS = {
  too_short: 'Use at least 12 characters.',
  too_common: 'This is one of the most common passwords: choose another.',
  same_as_email: 'Your password cannot be your email address.',
};

function fieldError(form, name, message) {
  const slot = form.querySelector(`[data-field="${name}"]`);
  slot.querySelector('.field-error').textContent = message;
  slot.querySelector('input').setAttribute('aria-invalid', 'true');
}
