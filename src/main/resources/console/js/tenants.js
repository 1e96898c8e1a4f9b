// The tenant selector of global users: which client the Console works on, and creating a tenant.
import * as api from './api.js';
import { h, dialog, field, toast } from './dom.js';
import { state, can, isGlobal, selectClient } from './session.js';
import { icon } from './icons.js';

/** The selector for global users who may list their partner's clients; the client's name for anyone else. */
export function tenantSelector() {
  const host = h('div', { class: 'tenant', 'data-testid': 'tenant' });
  if (!isGlobal() || !can('clients:view')) {
    host.append(h('span', { class: 'static', title: 'Client' }, state.clientName || ''));
    return host;
  }
  const select = h('select', { id: 'tenant-select', 'aria-label': 'Client to work on', dataset: { testid: 'tenant-select' } });
  const render = () => {
    select.replaceChildren(...state.clients.map((c) => h('option', { value: c.id },
      c.id === state.user.client_id ? `${c.name} (technical)` : c.enabled ? c.name : `${c.name} (disabled)`)));
    select.value = String(state.clientId);
  };
  select.addEventListener('change', () => {
    const client = state.clients.find((c) => String(c.id) === select.value);
    if (client) selectClient(client);
  });
  host.append(h('label', { for: 'tenant-select' }, 'Client'), select);
  if (can('clients:create')) {
    host.append(h('button', { type: 'button', class: 'btn small ghost', title: 'Create a tenant',
      'data-testid': 'create-tenant', onclick: () => openCreateTenant(render) }, icon('plus'), 'New tenant'));
  }
  loadClients().then(render).catch(() => {});
  return host;
}

async function loadClients() {
  state.clients = await api.post('/v1/objects/client', { filter: {}, limit: 1000 });
}

function openCreateTenant(render) {
  const name = h('input', { type: 'text', name: 'name', maxlength: 255, autocomplete: 'off' });
  const prefix = h('input', { type: 'text', name: 'vuln_prefix', maxlength: 4, autocomplete: 'off',
    placeholder: 'ACME', class: 'mono' });
  prefix.addEventListener('input', () => { prefix.value = prefix.value.toUpperCase(); });
  dialog({
    title: 'Create a tenant',
    testId: 'tenant-dialog',
    body: h('div', {},
      h('p', { class: 'muted' }, 'A tenant is a client of your partner account. Global users reach it at once.'),
      field({ label: 'Name', name: 'name', control: name }),
      field({ label: 'Prefix', name: 'vuln_prefix', control: prefix, hint: 'Exactly 4 characters, A–Z or 0–9.' })),
    submitLabel: 'Create tenant',
    submit: async () => {
      const client = await api.post('/v1/objects/client/create', { name: name.value.trim(),
        vuln_prefix: prefix.value.trim(), partner_uuid: state.user.partner_uuid });
      await loadClients();
      selectClient(client);
      render();
      toast(`Tenant “${client.name}” created. You are now working on it.`);
    },
  });
}
