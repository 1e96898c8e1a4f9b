// Settings → Nodes (nodes:view): the client's nodes, newest first, and for those who may, create,
// regenerate the node token and delete; a node's details and instances open in a drawer.
import * as api from './api.js';
import { h, clear, time, menuButton, plural, dialog, field, toast, fromSeconds } from './dom.js';
import { icon } from './icons.js';
import { state, can } from './session.js';
import {
  TYPES, typeTitle, statusPill, holdsToken, mayRegenerate, showNodeToken, openNodeDrawer, openRegenerate,
  openDeleteNode,
} from './node-drawer.js';

const PAGE = 1000;

export function nodesView(main) {
  const count = h('span', { class: 'count', 'data-testid': 'node-count', 'aria-live': 'polite' }, '…');
  const list = h('div', {}, h('div', { class: 'loading' }, 'Loading nodes…'));
  let nodes = [];

  const createButton = can('nodes:create')
    ? h('button', { type: 'button', class: 'btn primary', 'data-testid': 'create-node', onclick: () => openCreate() },
      icon('plus', 16), 'Create node')
    : null;

  main.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'Nodes'), count, h('div', { class: 'actions' }, createButton)),
    h('p', { class: 'page-lead' },
      'A node is a deployment target; the hosts running it register as its instances with the node token. '
      + 'A node is active while any of its instances synced in the last two minutes.'),
    list);

  async function load() {
    try {
      nodes = await api.get('/v2/node', { 'filter[clientid][]': state.clientId, order_by: 'id', order_desc: true,
        limit: PAGE });
      render();
    } catch (e) {
      clear(list).append(h('div', { class: 'alert error', role: 'alert' }, e.message));
      count.textContent = '—';
    }
  }

  function render() {
    count.textContent = nodes.length >= PAGE ? `${PAGE}+ nodes` : plural(nodes.length, 'node');
    clear(list);
    if (!nodes.length) {
      list.append(h('div', { class: 'empty', 'data-testid': 'empty' }, h('div', { class: 'empty-icon' }, icon('server', 24)),
        h('h2', {}, 'No nodes yet'),
        h('p', {}, 'A node appears here when it is created, or when a host first registers with a node deployment '
          + 'token naming it.'),
        createButton ? h('button', { type: 'button', class: 'btn primary', onclick: () => openCreate() },
          'Create your first node') : null));
      return;
    }
    list.append(h('div', { class: 'table-wrap' },
      h('table', { class: 'data responsive', 'data-testid': 'node-table' },
        h('caption', { class: 'visually-hidden' }, 'Nodes'),
        h('thead', {}, h('tr', {}, ['Name', 'Type', 'Instances', 'Created', 'Last activity', 'Status']
          .map((t) => h('th', { scope: 'col' }, t)),
        h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
        h('tbody', {}, nodes.map(row)))));
  }

  function open(node) {
    openNodeDrawer({ node, onChanged: load });
  }

  function row(node) {
    const actions = menuButton({
      label: `Actions for ${node.hostname}`,
      content: icon('more'),
      className: 'btn small ghost',
      items: () => [
        { id: 'details', label: 'Details and instances', run: () => open(node) },
        mayRegenerate(node) ? { id: 'regenerate', label: 'Regenerate token…', run: () => openRegenerate(node, load) } : null,
        can('nodes:delete') ? { id: 'delete', label: 'Delete…', danger: true, run: () => openDeleteNode(node, load) } : null,
      ],
    });
    return h('tr', { dataset: { testid: 'node-row', nodeId: node.id } },
      h('td', { class: 'primary name', 'data-label': 'Name' },
        h('button', { type: 'button', class: 'link', dataset: { action: 'open' }, onclick: () => open(node),
          'aria-label': `${node.hostname}, show details` }, h('strong', {}, node.hostname)),
        h('div', { class: 'sub mono' }, node.uuid)),
      h('td', { 'data-label': 'Type' }, typeTitle(node.type)),
      h('td', { 'data-label': 'Instances', 'data-testid': 'node-instances', class: 'nowrap' },
        `${node.active_instance_count} active / ${node.instance_count}`),
      h('td', { 'data-label': 'Created', class: 'nowrap' }, time(fromSeconds(node.create_time))),
      h('td', { 'data-label': 'Last activity', class: 'nowrap' },
        time(fromSeconds(node.last_activity), { relative: true, empty: 'Never' })),
      h('td', { 'data-label': 'Status', 'data-testid': 'node-status' }, statusPill(node.active)),
      h('td', { class: 'actions' }, actions));
  }

  function openCreate() {
    const name = h('input', { type: 'text', name: 'hostname', maxlength: 255, autocomplete: 'off',
      placeholder: 'e.g. edge-eu-1' });
    const type = h('select', { name: 'type' },
      Object.entries(TYPES).map(([id, title]) => h('option', { value: id }, title)));
    type.value = 'cloud_node';
    dialog({
      title: 'Create node',
      testId: 'node-create-dialog',
      body: h('div', {},
        field({ label: 'Name', name: 'hostname', control: name,
          hint: 'Unique in this client. A node deployment token names the node by it (labels.group).' }),
        field({ label: 'Type', name: 'type', control: type })),
      submitLabel: 'Create node',
      submit: async () => {
        let created;
        try {
          created = await api.post('/v2/node', { hostname: name.value.trim(), type: type.value,
            clientid: state.clientId });
        } catch (e) {
          // A taken name is answered as the Wallarm client library expects it: 400 "Already exists".
          if (e.status === 400 && typeof e.body === 'string') {
            throw new api.ApiError(400, { hostname: { error: 'exists', value: name.value } });
          }
          throw e;
        }
        load();
        if (holdsToken(created)) {
          // Opened once the create dialog has closed.
          setTimeout(() => showNodeToken({ title: 'Node created', node: created, token: created.token, mode: 'created' }));
        } else {
          toast(`Node “${created.hostname}” created. Only an administrator of this client sees its token.`);
        }
      },
    });
  }

  load();
}
