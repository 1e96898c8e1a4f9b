// The custom permissions matrix: resource × View / Create / Update / Delete (+ Export or Download).
// Boxes beyond the cap (the user's own rights) are disabled; any other right of a resource implies
// its View, which is then ticked and locked.
import { h } from './dom.js';
import { resources } from './catalogue.js';

const BASE = ['view', 'create', 'update', 'delete'];
const TITLES = { view: 'View', create: 'Create', update: 'Update', delete: 'Delete', export: 'Export',
  download: 'Download' };

function titleOf(action) {
  return TITLES[action] || action;
}

/**
 * Builds the matrix. `cap` is a Set of ids the user may grant, `selected` the ids ticked at start.
 * Returns { element, value(), setCap(cap) }.
 */
export function permissionMatrix({ cap, selected = [], label = 'Custom permissions' }) {
  const chosen = new Set(selected);
  const boxes = new Map();
  let currentCap = cap;

  const body = h('tbody');
  for (const resource of resources()) {
    // Only the resource's own actions get a box: an operator's catalogue may lack some of BASE and
    // have any number of others (each in the last column, named as written when not a known one).
    const cells = BASE.map((action) => h('td', {}, resource.actions.includes(action) ? box(resource, action) : null));
    const extras = resource.actions.filter((a) => !BASE.includes(a));
    cells.push(h('td', {}, extras.map((extra) => h('label', { class: 'extra' }, box(resource, extra), titleOf(extra)))));
    body.append(h('tr', { dataset: { resource: resource.id } }, h('th', { scope: 'row' }, resource.title), cells));
  }

  function box(resource, action) {
    const id = `${resource.id}:${action}`;
    const input = h('input', { type: 'checkbox', value: id, 'aria-label': `${resource.title}: ${titleOf(action)}`,
      dataset: { permission: id } });
    input.checked = chosen.has(id);
    input.addEventListener('change', () => sync(resource));
    boxes.set(id, input);
    return input;
  }

  // View is implied by any other right of the resource: tick and lock it while one is ticked.
  function sync(resource) {
    const view = boxes.get(`${resource.id}:view`);
    const others = resource.actions.filter((a) => a !== 'view').map((a) => boxes.get(`${resource.id}:${a}`));
    const implied = others.some((b) => b.checked);
    if (implied) view.checked = true;
    view.disabled = implied || !currentCap.has(view.value);
    view.classList.toggle('implied', implied);
    view.title = implied ? 'Included with the other rights of this resource' : '';
  }

  function applyCap(newCap) {
    currentCap = newCap;
    for (const [id, input] of boxes) {
      const allowed = newCap.has(id);
      if (!allowed) input.checked = false;
      input.disabled = !allowed;
      input.title = allowed ? '' : 'Beyond your own permissions';
    }
    resources().forEach(sync);
  }

  function setAll(on) {
    for (const [id, input] of boxes) {
      if (currentCap.has(id)) input.checked = on;
    }
    resources().forEach(sync);
  }

  const element = h('div', { class: 'matrix' },
    h('div', { class: 'matrix-tools' },
      h('button', { type: 'button', class: 'btn small', onclick: () => setAll(true) }, 'Select all I can grant'),
      h('button', { type: 'button', class: 'btn small ghost', onclick: () => setAll(false) }, 'Clear'),
      h('p', { class: 'hint' }, 'Greyed boxes are beyond your own permissions.')),
    h('div', { class: 'matrix-wrap' },
      h('table', { class: 'matrix', 'aria-label': label },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Resource'),
          BASE.map((a) => h('th', { scope: 'col' }, TITLES[a])), h('th', { scope: 'col' }, 'Other'))),
        body)));
  applyCap(cap);

  return {
    element,
    value: () => [...boxes.values()].filter((b) => b.checked).map((b) => b.value),
    setCap: applyCap,
  };
}
