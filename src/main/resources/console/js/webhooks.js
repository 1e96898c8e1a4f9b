// Settings → Webhooks (client administrators): the client's subscriptions, create and edit (URL, events,
// description, enabled), the signing secret once, and per webhook: details with deliveries and retry,
// a test delivery, enable/disable, a new secret and delete behind confirmations that name it.
import * as api from './api.js';
import { h, clear, time, menuButton, plural, dialog, field, fieldset } from './dom.js';
import { icon } from './icons.js';
import { state } from './session.js';
import {
  EVENTS, webhookName, enabledPill, showSigningSecret, openToggle, openRotate, openDelete, sendTest,
  openWebhookDrawer,
} from './webhook-drawer.js';

const PAGE = 1000;

/** The create or edit form of a webhook; `webhook` is null for a new one. */
function openForm(webhook, onSaved) {
  const url = h('input', { type: 'url', name: 'url', maxlength: 2048, autocomplete: 'off', spellcheck: 'false',
    placeholder: 'Your receiver’s https address' });
  const description = h('input', { type: 'text', name: 'description', maxlength: 255, autocomplete: 'off',
    placeholder: 'e.g. Security team’s SIEM' });
  const enabled = h('input', { type: 'checkbox', name: 'enabled' });
  const chosen = new Set(webhook ? webhook.events : []);
  const boxes = EVENTS.map(([id, title]) => {
    const box = h('input', { type: 'checkbox', value: id, dataset: { event: id } });
    box.checked = chosen.has(id);
    return h('label', { class: 'choice event-choice' }, box, h('span', {}, h('span', { class: 'mono' }, id),
      h('span', { class: 'small muted' }, ` — ${title}`)));
  });
  url.value = webhook ? webhook.url : '';
  description.value = webhook ? webhook.description || '' : '';
  enabled.checked = webhook ? webhook.enabled : true;
  dialog({
    title: webhook ? `Edit “${webhookName(webhook)}”` : 'Add webhook',
    testId: 'webhook-form-dialog',
    wide: true,
    body: h('div', {},
      field({ label: 'Payload URL', name: 'url', control: url,
        hint: 'Tokensmith POSTs each event there as JSON, signed. Redirects are not followed.' }),
      fieldset({ legend: 'Events', name: 'events', children: h('div', { class: 'event-list' }, boxes),
        hint: 'Every webhook also receives the test deliveries you send (event ping).' }),
      field({ label: 'Description (optional)', name: 'description', control: description }),
      h('div', { class: 'field', dataset: { field: 'enabled' } },
        h('label', { class: 'choice' }, enabled, 'Enabled: post its events'),
        h('div', { class: 'field-error', role: 'alert' }))),
    submitLabel: webhook ? 'Save changes' : 'Add webhook',
    submit: async (form) => {
      const events = [...form.querySelectorAll('input[data-event]')].filter((b) => b.checked).map((b) => b.value);
      if (!events.length) throw new api.ApiError(400, { events: { error: 'required' } });
      const body = { url: url.value.trim(), events, description: description.value.trim(), enabled: enabled.checked };
      if (webhook) {
        await api.put(`/v2/webhooks/${webhook.id}`, body);
        onSaved();
        return;
      }
      const created = await api.post('/v2/webhooks', { ...body, client_id: state.clientId });
      onSaved();
      // Opened once the form has closed.
      setTimeout(() => showSigningSecret({ webhook: created, secret: created.signing_secret, mode: 'created' }));
    },
  });
}

export function webhooksView(main) {
  const count = h('span', { class: 'count', 'data-testid': 'webhook-count', 'aria-live': 'polite' }, '…');
  const list = h('div', {}, h('div', { class: 'loading' }, 'Loading webhooks…'));
  let webhooks = [];
  const add = () => openForm(null, load);
  const edit = (webhook) => openForm(webhook, load);

  main.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'Webhooks'), count, h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'btn primary', 'data-testid': 'create-webhook', onclick: add },
        icon('plus', 16), 'Add webhook'))),
    h('p', { class: 'page-lead' },
      'A webhook posts this client’s events (tokens created, disabled, expiring, leaked; users; nodes) to a URL '
      + 'of yours, signed with its secret. Failed deliveries are retried for 24 hours.'),
    list);

  async function load() {
    try {
      webhooks = await api.get('/v2/webhooks', { client_id: state.clientId, limit: PAGE });
      render();
    } catch (e) {
      clear(list).append(h('div', { class: 'alert error', role: 'alert' }, e.message));
      count.textContent = '—';
    }
  }

  function render() {
    count.textContent = webhooks.length >= PAGE ? `${PAGE}+ webhooks` : plural(webhooks.length, 'webhook');
    clear(list);
    if (!webhooks.length) {
      list.append(h('div', { class: 'empty', 'data-testid': 'empty' }, h('div', { class: 'empty-icon' }, icon('send', 24)),
        h('h2', {}, 'No webhooks yet'),
        h('p', {}, 'Add one to have your systems hear of token and user events as they happen.'),
        h('button', { type: 'button', class: 'btn primary', onclick: add }, 'Add your first webhook')));
      return;
    }
    list.append(h('div', { class: 'table-wrap' },
      h('table', { class: 'data responsive', 'data-testid': 'webhook-table' },
        h('caption', { class: 'visually-hidden' }, 'Webhooks'),
        h('thead', {}, h('tr', {}, ['URL', 'Events', 'Created', 'Status'].map((t) => h('th', { scope: 'col' }, t)),
          h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
        h('tbody', {}, webhooks.map(row)))));
  }

  function open(webhook) {
    openWebhookDrawer({ webhook, onChanged: load, onEdit: (w) => { closeDrawers(); edit(w); } });
  }

  function row(webhook) {
    const name = webhookName(webhook);
    const actions = menuButton({
      label: `Actions for ${name}`,
      content: icon('more'),
      className: 'btn small ghost',
      items: () => [
        { id: 'details', label: 'Details and deliveries', run: () => open(webhook) },
        { id: 'ping', label: 'Send test', run: () => sendTest(webhook, null, null) },
        { id: 'edit', label: 'Edit…', run: () => edit(webhook) },
        { id: 'toggle', label: webhook.enabled ? 'Disable…' : 'Enable…', run: () => openToggle(webhook, load) },
        { id: 'rotate', label: 'Rotate secret…', run: () => openRotate(webhook, load) },
        { id: 'delete', label: 'Delete…', danger: true, run: () => openDelete(webhook, load) },
      ],
    });
    return h('tr', { dataset: { testid: 'webhook-row', webhookId: webhook.id } },
      h('td', { class: 'primary name', 'data-label': 'URL' },
        h('button', { type: 'button', class: 'link', dataset: { action: 'open' }, onclick: () => open(webhook),
          'aria-label': `${name}, show details and deliveries` },
        h('strong', {}, webhook.description || 'Webhook')),
        h('div', { class: 'sub mono wrap' }, webhook.url)),
      h('td', { 'data-label': 'Events', class: 'wrap' }, webhook.events.join(', ')),
      h('td', { 'data-label': 'Created', class: 'nowrap' }, time(webhook.create_at)),
      h('td', { 'data-label': 'Status', 'data-testid': 'webhook-status' }, enabledPill(webhook.enabled)),
      h('td', { class: 'actions' }, actions));
  }

  load();
}

function closeDrawers() {
  document.querySelectorAll('dialog[data-testid="webhook-drawer"]').forEach((d) => d.close());
}
