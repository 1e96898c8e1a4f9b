// A webhook's details (a drawer) with its deliveries and their retry, the signing secret shown once,
// and the confirmations that name the webhook: enable, disable, rotate the secret, delete.
import * as api from './api.js';
import { h, clear, dialog, toast, busy, time, formatDateTime, secretField, plural } from './dom.js';

export const EVENTS = [
  ['token.created', 'A token is created'],
  ['token.renewed', 'A token’s secret is renewed'],
  ['token.enabled', 'A token is enabled'],
  ['token.disabled', 'A token is disabled'],
  ['token.deleted', 'A token is deleted'],
  ['token.expiring', 'A token expires in three days'],
  ['token.leaked', 'A token is reported as leaked and disabled'],
  ['user.created', 'A user is created'],
  ['user.disabled', 'A user is disabled'],
  ['user.role_changed', 'A user’s role changes'],
  ['node.registered', 'A node instance registers'],
];

const DELIVERIES = 50;

/** What a webhook is called in titles and confirmations: its description, else its URL. */
export function webhookName(webhook) {
  return webhook.description || webhook.url;
}

export function enabledPill(enabled) {
  return enabled ? h('span', { class: 'pill ok' }, 'Enabled') : h('span', { class: 'pill off' }, 'Disabled');
}

function deliveryPill(status) {
  if (status === 'sent') return h('span', { class: 'pill ok' }, 'Sent');
  if (status === 'failed') return h('span', { class: 'pill failed' }, 'Failed');
  return h('span', { class: 'pill off' }, 'Pending');
}

const SECRET_LEAD = {
  created: ' is ready. Copy its signing secret now: it is not shown again.',
  rotated: ' has a new signing secret. Copy it now: it is not shown again. Deliveries are signed with it from now on.',
};

/** The signing secret after create or rotate, once, with Copy; wiped when the dialog closes. */
export function showSigningSecret({ webhook, secret, mode }) {
  const { input, element } = secretField(secret, 'Signing secret', 'Signing secret copied to the clipboard.');
  dialog({
    title: mode === 'created' ? 'Webhook created' : 'Signing secret rotated',
    testId: 'webhook-secret-dialog',
    body: h('div', {},
      h('p', {}, 'The webhook ', h('strong', {}, `“${webhookName(webhook)}”`), SECRET_LEAD[mode]),
      element,
      h('div', { class: 'alert warn small spaced-top' },
        'Your receiver checks each delivery’s X-Tokensmith-Signature with it (HMAC-SHA-256 over the timestamp '
        + 'and the body). Treat it like a password.')),
    submitLabel: 'Done',
    noCancel: true,
    submit: async () => {},
    onClose: () => { input.value = ''; },
  });
  input.focus();
}

function closeDrawer() {
  document.querySelectorAll('dialog[data-testid="webhook-drawer"]').forEach((d) => d.close());
}

/** Enable or disable behind a confirmation naming the webhook. */
export function openToggle(webhook, onChanged) {
  const enable = !webhook.enabled;
  dialog({
    title: `${enable ? 'Enable' : 'Disable'} “${webhookName(webhook)}”?`,
    testId: 'webhook-toggle-dialog',
    body: h('p', {}, enable
      ? 'Its events are posted to its URL again from now on. Events while it was disabled are not sent.'
      : 'No event is posted to its URL while it is disabled; deliveries still queued are given up as failed '
        + '(Retry sends one again once it is enabled).'),
    submitLabel: enable ? 'Enable webhook' : 'Disable webhook',
    danger: !enable,
    submit: async () => {
      await api.put(`/v2/webhooks/${webhook.id}`, { enabled: enable });
      closeDrawer();
      toast(`Webhook “${webhookName(webhook)}” ${enable ? 'enabled' : 'disabled'}.`);
      onChanged();
    },
  });
}

export function openRotate(webhook, onChanged) {
  dialog({
    title: `Rotate the signing secret of “${webhookName(webhook)}”?`,
    testId: 'webhook-rotate-dialog',
    body: h('div', { class: 'alert warn', role: 'note' }, h('strong', {}, 'The current secret stops at once. '),
      'Deliveries are signed with the new secret from now on: give it to your receiver straight away.'),
    submitLabel: 'Rotate secret',
    danger: true,
    submit: async () => {
      const { signing_secret: secret } = await api.post(`/v2/webhooks/${webhook.id}/secret`);
      closeDrawer();
      onChanged();
      setTimeout(() => showSigningSecret({ webhook, secret, mode: 'rotated' }));
    },
  });
}

export function openDelete(webhook, onChanged) {
  dialog({
    title: `Delete “${webhookName(webhook)}”?`,
    testId: 'webhook-delete-dialog',
    body: h('div', {}, h('p', {}, 'No more events are posted to ', h('span', { class: 'mono' }, webhook.url),
      '. Deliveries still queued are given up, and its deliveries are no longer listed. This cannot be undone.')),
    submitLabel: 'Delete webhook',
    danger: true,
    submit: async () => {
      await api.del(`/v2/webhooks/${webhook.id}`);
      closeDrawer();
      toast(`Webhook “${webhookName(webhook)}” deleted.`);
      onChanged();
    },
  });
}

/** Queues a test delivery (event ping); `after` runs once it is queued. */
export async function sendTest(webhook, button, after) {
  try {
    await busy(button, () => api.post(`/v2/webhooks/${webhook.id}/ping`));
    toast(`Test delivery queued for “${webhookName(webhook)}”.`);
    if (after) after();
  } catch (e) {
    toast(e.message, 'error');
  }
}

function deliveryRow(webhook, d, reload) {
  const retry = d.status === 'failed'
    ? h('button', { type: 'button', class: 'btn small', dataset: { action: 'retry' },
      'aria-label': `Retry delivery ${d.id}` }, 'Retry')
    : null;
  if (retry) {
    retry.addEventListener('click', async () => {
      try {
        await busy(retry, () => api.post(`/v2/webhooks/${webhook.id}/deliveries/${d.id}/retry`));
        toast('Delivery queued again.');
        reload();
      } catch (e) {
        toast(e.message, 'error');
      }
    });
  }
  const when = d.status === 'sent' ? `Sent ${formatDateTime(d.sent_at)}`
    : d.status === 'pending' && d.next_attempt_at ? `Next try ${formatDateTime(d.next_attempt_at)}` : '';
  return h('tr', { dataset: { testid: 'delivery-row', deliveryId: d.id, status: d.status } },
    h('td', { class: 'primary name', 'data-label': 'Event' }, h('strong', {}, d.event),
      h('div', { class: 'sub mono' }, d.id)),
    h('td', { 'data-label': 'Status', dataset: { testid: 'delivery-status' } }, deliveryPill(d.status),
      when ? h('div', { class: 'sub' }, when) : null),
    h('td', { 'data-label': 'Attempts', dataset: { testid: 'delivery-attempts' } }, String(d.attempts)),
    h('td', { 'data-label': 'Last error', dataset: { testid: 'delivery-error' }, class: 'wrap' }, d.last_error || '—'),
    h('td', { 'data-label': 'Created', class: 'nowrap' }, time(d.create_at, { relative: true })),
    h('td', { class: 'actions' }, retry));
}

function deliveriesTable(webhook, rows, reload) {
  if (!rows.length) {
    return h('p', { class: 'muted', 'data-testid': 'no-deliveries' },
      'No deliveries yet. Send a test delivery, or wait for one of its events.');
  }
  return h('div', { class: 'table-wrap' },
    h('table', { class: 'data responsive', 'data-testid': 'delivery-table' },
      h('caption', { class: 'visually-hidden' }, 'Deliveries'),
      h('thead', {}, h('tr', {}, ['Event', 'Status', 'Attempts', 'Last error', 'Created']
        .map((t) => h('th', { scope: 'col' }, t)),
      h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
      h('tbody', {}, rows.map((d) => deliveryRow(webhook, d, reload)))));
}

/** The details drawer of a webhook with its latest deliveries; `onChanged` runs after a change. */
export function openWebhookDrawer({ webhook, onChanged, onEdit }) {
  const deliveries = h('div', {}, h('div', { class: 'loading' }, 'Loading deliveries…'));
  const summary = h('span', { class: 'small muted', 'aria-live': 'polite', 'data-testid': 'delivery-count' });
  async function load() {
    try {
      const rows = await api.get(`/v2/webhooks/${webhook.id}/deliveries`, { limit: DELIVERIES });
      summary.textContent = rows.length >= DELIVERIES ? `latest ${DELIVERIES}` : plural(rows.length, 'delivery', 'deliveries');
      clear(deliveries).append(deliveriesTable(webhook, rows, load));
    } catch (e) {
      clear(deliveries).append(h('div', { class: 'alert error', role: 'alert' }, e.message));
    }
  }
  const refresh = h('button', { type: 'button', class: 'btn small', dataset: { action: 'refresh' } }, 'Refresh');
  refresh.addEventListener('click', () => busy(refresh, load));
  const test = h('button', { type: 'button', class: 'btn', dataset: { action: 'ping' } }, 'Send test');
  test.addEventListener('click', () => sendTest(webhook, test, load));
  dialog({
    title: `Webhook “${webhookName(webhook)}”`,
    drawer: true,
    testId: 'webhook-drawer',
    body: h('div', {},
      h('dl', { class: 'meta' },
        h('dt', {}, 'URL'), h('dd', { class: 'mono wrap' }, webhook.url),
        h('dt', {}, 'Status'), h('dd', {}, enabledPill(webhook.enabled)),
        h('dt', {}, 'Events'), h('dd', {}, webhook.events.join(', ')),
        webhook.description ? [h('dt', {}, 'Description'), h('dd', {}, webhook.description)] : null,
        h('dt', {}, 'Created'), h('dd', {}, formatDateTime(webhook.create_at)),
        h('dt', {}, 'Updated'), h('dd', {}, formatDateTime(webhook.update_at))),
      h('div', { class: 'section-head' }, h('h3', { class: 'section-title' }, 'Deliveries'), summary, refresh),
      h('p', { class: 'small muted' }, 'A delivery that fails is tried again with growing waits for 24 hours, then '
        + 'marked failed; Retry sends a failed one again. Receivers de-duplicate by the delivery id.'),
      deliveries),
    extraFooter: [
      h('button', { type: 'button', class: 'btn ghost danger-text', dataset: { action: 'delete' },
        onclick: () => openDelete(webhook, onChanged) }, 'Delete…'),
      h('button', { type: 'button', class: 'btn', dataset: { action: 'edit' }, onclick: () => onEdit(webhook) }, 'Edit…'),
      test],
  });
  load();
}
