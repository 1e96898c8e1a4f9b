// A node's details (a drawer): its fields, its token for administrators, its instances, and the
// confirmations to regenerate the token and to delete the node.
import * as api from './api.js';
import { h, clear, dialog, toast, copyText, busy, time, formatDateTime, fromSeconds, secretField } from './dom.js';
import { can } from './session.js';

export const TYPES = { cloud_node: 'Cloud node', node: 'Regular node' };

export function typeTitle(type) {
  return TYPES[type] || type;
}

export function statusPill(active) {
  return active ? h('span', { class: 'pill ok' }, 'Active') : h('span', { class: 'pill off' }, 'Inactive');
}

/** The server sends a node's token only to those who may hold it: administrators of its client. */
export function holdsToken(node) {
  return typeof node.token === 'string';
}

export function mayRegenerate(node) {
  return holdsToken(node) && can('nodes:update');
}

function hint(token) {
  return `${token.slice(0, 4)}...${token.slice(-4)}`;
}

const TOKEN_LEAD = {
  created: ['The node ', ' is ready. Copy its token now: its instances register with it.'],
  regenerated: ['The new token of ', ' is ready. Register its instances again with it.'],
};

/**
 * Shows a node token after create or regenerate, with a copy button. The value lives only in this
 * dialog and is wiped when it closes.
 */
export function showNodeToken({ title, node, token, mode }) {
  const { input, element: secretBox } = secretField(token, 'Node token', 'Node token copied to the clipboard.');
  const [before, after] = TOKEN_LEAD[mode];
  const handle = dialog({
    title,
    testId: 'node-token-dialog',
    body: h('div', {},
      h('p', {}, before, h('strong', {}, `“${node.hostname}”`), after),
      secretBox,
      h('div', { class: 'alert warn small spaced-top' },
        'Treat it like a password. Administrators can show it again from the node’s details.'),
      h('div', { class: 'small muted spaced-top' }, 'Register an instance with the node client:'),
      h('code', { class: 'code' }, 'export TOKENSMITH_NODE_TOKEN=…   # the value above\n'
        + `java -jar tokensmith.jar node register \\\n  --url ${location.origin}`)),
    submitLabel: 'Done',
    noCancel: true,
    submit: async () => {},
    onClose: () => { input.value = ''; },
  });
  input.focus();
  return handle;
}

/** The node token as its hint, with Show and Copy (only for those the server sent it to). */
function tokenControl(node) {
  const input = h('input', { type: 'text', readonly: true, class: 'control mono', value: hint(node.token),
    'aria-label': 'Node token', dataset: { secret: 'value' } });
  const show = h('button', { type: 'button', class: 'btn small', dataset: { secret: 'show' } }, 'Show token');
  show.addEventListener('click', () => {
    const shown = input.value === node.token;
    input.value = shown ? hint(node.token) : node.token;
    show.textContent = shown ? 'Show token' : 'Hide';
  });
  const copy = h('button', { type: 'button', class: 'btn small', dataset: { secret: 'copy' } }, 'Copy');
  copy.addEventListener('click', () => busy(copy, async () => {
    toast(await copyText(node.token) ? 'Node token copied to the clipboard.' : 'Copy failed: select the value and copy it.');
  }));
  return h('div', { class: 'field', dataset: { field: 'token' } },
    h('div', { class: 'label' }, 'Node token'),
    h('div', { class: 'secret' }, input, show, copy),
    h('div', { class: 'hint' }, 'Instances register with it. Treat it like a password.'));
}

function registeredWith(instance) {
  const by = instance.registered_with || {};
  if (by.type === 'node_token') return 'Node token';
  return by.token_id ? `API token #${by.token_id}` : 'API token (deleted)';
}

function instancesTable(instances) {
  if (!instances.length) {
    return h('p', { class: 'muted', 'data-testid': 'no-instances' },
      'No instance has registered yet. A host registers with the node token, or with a node deployment API token naming this node.');
  }
  return h('div', { class: 'table-wrap' },
    h('table', { class: 'data responsive', 'data-testid': 'instance-table' },
      h('caption', { class: 'visually-hidden' }, 'Instances'),
      h('thead', {}, h('tr', {}, ['Host', 'IP address', 'Registered with', 'Last activity', 'Status']
        .map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, instances.map((i) => h('tr', { dataset: { testid: 'instance-row', uuid: i.uuid } },
        h('td', { class: 'primary name', 'data-label': 'Host' }, h('strong', {}, i.hostname),
          h('div', { class: 'sub mono' }, i.uuid)),
        h('td', { 'data-label': 'IP address', class: 'mono' }, i.ip || '—'),
        h('td', { 'data-label': 'Registered with', dataset: { testid: 'registered-with' } }, registeredWith(i)),
        h('td', { 'data-label': 'Last activity', class: 'nowrap' },
          time(fromSeconds(i.last_activity), { relative: true, empty: 'Never' })),
        h('td', { 'data-label': 'Status', dataset: { testid: 'instance-status' } }, statusPill(i.active)))))));
}

/** The details drawer of a node; `onChanged` runs after a regenerate or delete. */
export function openNodeDrawer({ node, onChanged }) {
  const instances = h('div', {}, h('div', { class: 'loading' }, 'Loading instances…'));
  const regenerate = mayRegenerate(node)
    ? h('button', { type: 'button', class: 'btn', dataset: { action: 'regenerate' },
      onclick: () => openRegenerate(node, onChanged) }, 'Regenerate token…')
    : null;
  const remove = can('nodes:delete')
    ? h('button', { type: 'button', class: 'btn ghost danger-text', dataset: { action: 'delete' },
      onclick: () => openDeleteNode(node, onChanged) }, 'Delete node…')
    : null;
  const handle = dialog({
    title: `Node “${node.hostname}”`,
    drawer: true,
    testId: 'node-drawer',
    body: h('div', {},
      h('dl', { class: 'meta' },
        h('dt', {}, 'Name'), h('dd', {}, node.hostname),
        h('dt', {}, 'Type'), h('dd', {}, typeTitle(node.type)),
        h('dt', {}, 'UUID'), h('dd', { class: 'mono' }, node.uuid),
        h('dt', {}, 'Status'), h('dd', { dataset: { testid: 'node-status' } }, statusPill(node.active)),
        h('dt', {}, 'Instances'), h('dd', {}, `${node.active_instance_count} active of ${node.instance_count}`),
        h('dt', {}, 'Last activity'), h('dd', {}, node.last_activity
          ? formatDateTime(fromSeconds(node.last_activity)) : 'Never'),
        h('dt', {}, 'Created'), h('dd', {}, formatDateTime(fromSeconds(node.create_time)),
          node.create_from ? ` from ${node.create_from}` : '')),
      holdsToken(node) ? tokenControl(node)
        : h('p', { class: 'small muted', 'data-testid': 'token-admins-only' },
          'Only administrators of this client see the node token.'),
      h('h3', { class: 'section-title' }, 'Instances'),
      instances),
    extraFooter: [remove, regenerate],
  });
  api.get(`/v2/node/${node.id}/instances`).then((found) => {
    clear(instances).append(instancesTable(found));
  }).catch((e) => {
    clear(instances).append(h('div', { class: 'alert error', role: 'alert' }, e.message));
  });
  return handle;
}

function closeDrawer() {
  document.querySelectorAll('dialog[data-testid="node-drawer"]').forEach((d) => d.close());
}

export function openRegenerate(node, onChanged) {
  dialog({
    title: `Regenerate the token of “${node.hostname}”?`,
    testId: 'regenerate-dialog',
    body: h('div', {},
      h('div', { class: 'alert warn', role: 'note' }, h('strong', {}, 'Instances stop syncing. '),
        'Every instance registered with the current token stops syncing at once and must register again '
        + 'with the new one. Instances registered with an API token are not affected.'),
      h('p', {}, 'The current token stops working for new registrations too.')),
    submitLabel: 'Regenerate token',
    danger: true,
    submit: async () => {
      const { token } = await api.post(`/v2/node/${node.id}/token`);
      closeDrawer();
      onChanged();
      showNodeToken({ title: 'Node token regenerated', node, token, mode: 'regenerated' });
    },
  });
}

export function openDeleteNode(node, onChanged) {
  const count = node.instance_count;
  dialog({
    title: `Delete “${node.hostname}”?`,
    testId: 'delete-node-dialog',
    body: h('div', {},
      h('p', {}, count === 1 ? 'Its instance stops syncing at once: its credentials no longer work.'
        : count ? `Its ${count} instances stop syncing at once: their credentials no longer work.`
          : 'It has no instances.', ' Its token stops working too. This cannot be undone.')),
    submitLabel: 'Delete node',
    danger: true,
    submit: async () => {
      await api.del(`/v2/node/${node.id}`);
      closeDrawer();
      toast(`Node “${node.hostname}” deleted.`);
      onChanged();
    },
  });
}
