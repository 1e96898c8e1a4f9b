// Settings → Activity log (activity_log:view): filters, the records, a record's old/new diff, CSV export.
import * as api from './api.js';
import { h, clear, dialog, formatDateTime, startOfDay, endOfDay, plural } from './dom.js';
import { state, can } from './session.js';
import { icon } from './icons.js';

const OBJECT_TYPES = { api_token: 'API token', user: 'User', client: 'Client', session: 'Session',
  node_group: 'Node group', node: 'Node' };
const ACTIONS = ['create', 'update', 'delete', 'renew', 'enable', 'disable', 'login', 'login_failed', 'logout',
  'invite', 'password_set', 'password_change', 'expiring'];
const ACTION_TITLES = { login_failed: 'login failed', invite: 'password link sent', password_set: 'password set by link',
  password_change: 'password changed', expiring: 'expiry notice' };
const SOURCES = { ui: 'Console', api_token: 'API token', node: 'Node', system: 'System' };
const PAGE = 50;

export function activityView(main) {
  let records = [];
  let cursor = null;
  let more = false;

  const objectType = h('select', { 'aria-label': 'Object type', dataset: { filter: 'object_type' } },
    h('option', { value: '' }, 'All objects'),
    Object.entries(OBJECT_TYPES).map(([id, title]) => h('option', { value: id }, title)));
  const action = h('select', { 'aria-label': 'Action', dataset: { filter: 'action' } },
    h('option', { value: '' }, 'All actions'),
    ACTIONS.map((a) => h('option', { value: a }, ACTION_TITLES[a] || a)));
  const actor = h('select', { 'aria-label': 'Actor', dataset: { filter: 'actor_id' } }, h('option', { value: '' }, 'Anyone'));
  const from = h('input', { type: 'date', 'aria-label': 'From date', dataset: { filter: 'from' } });
  const to = h('input', { type: 'date', 'aria-label': 'To date', dataset: { filter: 'to' } });
  const exportLink = can('activity_log:export')
    ? h('a', { class: 'btn', download: 'activity_log.csv', 'data-testid': 'export-csv' }, 'Export CSV') : null;
  const exportNote = exportLink ? h('span', { class: 'small muted', 'data-testid': 'export-count' }) : null;
  const reset = h('button', { type: 'button', class: 'btn ghost' }, 'Reset');
  const list = h('div', {}, h('div', { class: 'loading' }, 'Loading activity…'));
  const count = h('span', { class: 'count' }, '…');

  if (can('users:view')) {
    api.post('/v1/objects/user', { filter: { clientid: state.clientId }, limit: 1000 }).then((users) => {
      users.forEach((u) => actor.append(h('option', { value: u.id }, u.realname)));
    }).catch(() => {});
  } else {
    actor.hidden = true;
  }

  [objectType, action, actor, from, to].forEach((control) => control.addEventListener('change', () => load(true)));
  reset.addEventListener('click', () => {
    [objectType, action, actor, from, to].forEach((control) => { control.value = ''; });
    load(true);
  });

  main.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'Activity log'), count, h('div', { class: 'actions' }, exportNote, exportLink)),
    h('p', { class: 'page-lead' }, 'Every change to tokens, users and clients, and every login, with who did it and from where. Select a record to see what changed.'),
    h('div', { class: 'toolbar' },
      objectType, action, actor,
      h('label', { class: 'choice small muted' }, 'From', from),
      h('label', { class: 'choice small muted' }, 'To', to),
      reset),
    list);

  function filter() {
    return {
      client_id: state.clientId,
      object_type: objectType.value,
      action: action.value,
      actor_id: actor.value,
      from: from.value ? startOfDay(from.value) : '',
      to: to.value ? endOfDay(to.value) : '',
    };
  }

  async function load(restart) {
    if (restart) { cursor = null; records = []; }
    const query = { ...filter(), limit: PAGE };
    if (cursor) query.cursor = cursor;
    if (restart && exportLink) {
      // Every record of the filter goes into the file, newest first: say how many before the download.
      exportLink.href = api.url('/v2/activity_log.csv', filter());
      exportNote.textContent = '';
      api.get('/v2/activity_log/count', filter()).then(({ count: n }) => {
        exportNote.textContent = plural(n, 'record');
        exportLink.setAttribute('aria-label', `Export ${plural(n, 'record')} as CSV`);
      }).catch(() => {});
    }
    try {
      const page = await api.get('/v2/activity_log', query, { envelope: true });
      cursor = page.next_cursor;
      more = Boolean(cursor);
      records = records.concat(page.body);
      render();
    } catch (e) {
      clear(list).append(h('div', { class: 'alert error', role: 'alert' }, e.message));
    }
  }

  function render() {
    count.textContent = more ? `${records.length}+ records` : plural(records.length, 'record');
    clear(list);
    if (!records.length) {
      list.append(h('div', { class: 'empty' }, h('div', { class: 'empty-icon' }, icon('activity', 24)),
        h('h2', {}, 'No activity matches'), h('p', {}, 'Change the filters, or come back once something happened.')));
      return;
    }
    list.append(h('div', { class: 'table-wrap' },
      h('table', { class: 'data responsive', 'data-testid': 'activity-table' },
        h('caption', { class: 'visually-hidden' }, 'Activity records'),
        h('thead', {}, h('tr', {}, ['Time', 'Actor', 'Action', 'Object', 'Source', 'IP address']
          .map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, records.map(row))),
      more ? h('div', { class: 'table-foot' },
        h('button', { type: 'button', class: 'btn', onclick: () => load(false) }, 'Load more')) : null));
  }

  function row(record) {
    const open = () => openRecord(record);
    const tr = h('tr', { class: 'clickable', tabindex: '0', dataset: { testid: 'activity-row', action: record.action,
      objectType: record.object_type },
      'aria-label': `${record.action} ${OBJECT_TYPES[record.object_type] || record.object_type} ${record.object_name || ''}, show changes` },
      h('td', { class: 'nowrap', 'data-label': 'Time' }, h('time', { datetime: record.time }, formatDateTime(record.time))),
      h('td', { 'data-label': 'Actor' }, record.actor.name || record.actor.type),
      h('td', { 'data-label': 'Action' }, h('span', { class: `pill plain${record.outcome === 'failure' ? ' off' : ''}` },
        ACTION_TITLES[record.action] || record.action)),
      h('td', { class: 'primary', 'data-label': 'Object' }, h('strong', {}, record.object_name || `#${record.object_id}`),
        h('div', { class: 'sub' }, OBJECT_TYPES[record.object_type] || record.object_type)),
      h('td', { 'data-label': 'Source' }, SOURCES[record.source] || record.source),
      h('td', { 'data-label': 'IP address', class: 'mono' }, record.ip || '—'));
    tr.addEventListener('click', open);
    tr.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); open(); }
    });
    return tr;
  }

  function show(value) {
    if (value === null || value === undefined) return '—';
    return typeof value === 'string' ? value : JSON.stringify(value);
  }

  function openRecord(record) {
    const changes = Object.entries(record.changes || {});
    dialog({
      title: `${OBJECT_TYPES[record.object_type] || record.object_type} ${ACTION_TITLES[record.action] || record.action}`,
      wide: true,
      testId: 'activity-dialog',
      body: h('div', {},
        h('dl', { class: 'meta' },
          h('dt', {}, 'Object'), h('dd', {}, `${record.object_name || '—'} (#${record.object_id})`),
          h('dt', {}, 'When'), h('dd', {}, formatDateTime(record.time)),
          h('dt', {}, 'Who'), h('dd', {}, `${record.actor.name || record.actor.type} (${record.actor.type}${record.actor.id ? ` #${record.actor.id}` : ''})`),
          h('dt', {}, 'Source'), h('dd', {}, `${SOURCES[record.source] || record.source}${record.ip ? `, ${record.ip}` : ''}`),
          h('dt', {}, 'Outcome'), h('dd', {}, record.outcome || '—')),
        changes.length
          ? h('table', { class: 'diff', 'data-testid': 'diff' },
            h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Field'), h('th', { scope: 'col' }, 'Old'),
              h('th', { scope: 'col' }, 'New'))),
            h('tbody', {}, changes.map(([fieldName, [oldValue, newValue]]) => h('tr', {},
              h('th', { scope: 'row' }, fieldName), h('td', { class: 'old' }, show(oldValue)),
              h('td', { class: 'new' }, show(newValue))))))
          : h('p', { class: 'muted' }, 'No field changed in this record.')),
    });
  }

  load(true);
}
