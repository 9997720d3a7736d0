// The workspace page: its header, the run buttons and the tabs.
import {api, getJson, wsPath} from './api.js';
import {badge, clear, errorBox, h, openDialog} from './dom.js';
import {renderOverview, renderResources} from './overview.js';
import {renderRun, renderRuns} from './runs.js';
import {renderBackend, renderConfiguration, renderVariables} from './settings.js';
import {renderState} from './state.js';

const TABS = [
  ['overview', 'Overview'],
  ['resources', 'Resources & outputs'],
  ['state', 'State'],
  ['runs', 'Runs'],
  ['variables', 'Variables'],
  ['configuration', 'Configuration'],
  ['backend', 'Backend'],
];

const OPERATIONS = [
  ['provision', 'Provision', 'Runs init, plan and apply.'],
  ['destroy', 'Destroy', 'Runs a destroy plan and destroys every resource of the state.'],
  ['plan', 'Plan', 'Shows what a provision would change; changes nothing.'],
  ['drift', 'Check for drift', 'A refresh-only plan: do the real resources still match the state?'],
];

// Starts a run and opens its page.
async function startRun(ws, operation, approval, ctx) {
  const body = {operation};
  if (approval) body.approval_required = true;
  const res = await api('POST', wsPath(ws.identifier, '/runs'), {body});
  ctx.navigate(`#/ws/${encodeURIComponent(ws.identifier)}/runs/${encodeURIComponent(res.body.id)}`);
}

// A dialog asking before a provision or destroy starts; plan and drift start at once.
export function confirmRun(ws, operation, ctx) {
  if (operation === 'plan' || operation === 'drift') {
    return startRun(ws, operation, false, ctx).catch((err) => ctx.flash(err.message, true));
  }
  const [, label, explain] = OPERATIONS.find(([op]) => op === operation);
  const error = h('div', {'aria-live': 'assertive'});
  const approval = h('input', {type: 'checkbox', id: 'run-approval', checked: true});
  const start = h(
    'button',
    {type: 'submit', class: operation === 'destroy' ? 'danger' : 'primary'},
    `Start ${operation}`,
  );
  const form = h(
    'form',
    {method: 'dialog'},
    h('p', {}, `${explain} Workspace `, h('code', {}, ws.identifier), '.'),
    h(
      'p',
      {class: 'check'},
      approval,
      h('label', {for: 'run-approval'}, 'Stop at the plan and wait for my approval'),
    ),
    error,
    h(
      'p',
      {class: 'actions'},
      start,
      h('button', {type: 'button', value: 'cancel', onclick: () => dialog.close()}, 'Cancel'),
    ),
  );
  const dialog = openDialog(`${label} ${ws.name}?`, form);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    start.disabled = true;
    try {
      await startRun(ws, operation, approval.checked, ctx);
      dialog.close();
    } catch (err) {
      clear(error).append(errorBox(err));
      start.disabled = false;
    }
  });
  start.focus();
  return dialog;
}

function header(ws, ctx) {
  const noRepo = !ws.repository;
  const lock = ws.backend_locked
    ? h('span', {class: 'badge locked'}, ws.lock && ws.lock.manual ? 'locked (manual)' : 'locked')
    : null;
  return h(
    'div',
    {class: 'ws-header'},
    h('p', {class: 'crumbs'}, h('a', {href: '#/workspaces'}, 'Workspaces'), ' / ', ws.identifier),
    h(
      'div',
      {class: 'title-row'},
      h('h1', {}, ws.name, ' ', badge(ws.status), lock ? ' ' : null, lock),
      h(
        'div',
        {class: 'run-buttons', role: 'group', 'aria-label': 'Start a run'},
        OPERATIONS.map(([op, label, explain]) =>
          h(
            'button',
            {
              type: 'button',
              class: op === 'destroy' ? 'danger-outline' : op === 'provision' ? 'primary' : '',
              title: noRepo ? 'This workspace has no git repository to run.' : explain,
              disabled: noRepo,
              dataset: {operation: op},
              onclick: () => confirmRun(ws, op, ctx),
            },
            label,
          ),
        ),
      ),
    ),
    noRepo
      ? h('p', {class: 'hint'}, 'Runs need a git repository: set one under Configuration.')
      : null,
  );
}

function tabs(ws, active) {
  return h(
    'nav',
    {class: 'tabs', 'aria-label': 'Workspace sections'},
    h(
      'ul',
      {},
      TABS.map(([id, label]) =>
        h(
          'li',
          {},
          h(
            'a',
            {
              href: `#/ws/${encodeURIComponent(ws.identifier)}/${id}`,
              'aria-current': id === active ? 'page' : false,
            },
            label,
          ),
        ),
      ),
    ),
  );
}

export async function renderWorkspace(main, {id, tab, run, query}, ctx) {
  const ws = await getJson(wsPath(id), undefined, ctx.signal);
  if (!TABS.some(([t]) => t === tab)) tab = 'overview';
  const body = h('section', {class: 'tab-body', 'aria-label': TABS.find(([t]) => t === tab)[1]});
  let top = header(ws, ctx);
  main.append(top, tabs(ws, tab), body);
  // A run page calls this when its run changes the workspace (status, lock).
  const refreshHeader = async () => {
    const fresh = await getJson(wsPath(id), undefined, ctx.signal);
    const next = header(fresh, ctx);
    top.replaceWith(next);
    top = next;
  };
  const views = {
    overview: renderOverview,
    resources: renderResources,
    state: renderState,
    runs: run ? renderRun : renderRuns,
    variables: renderVariables,
    configuration: renderConfiguration,
    backend: renderBackend,
  };
  try {
    await views[tab](body, ws, {
      ...ctx,
      run,
      query,
      refreshHeader,
      confirmRun: (op) => confirmRun(ws, op, ctx),
    });
  } catch (err) {
    if (err.name !== 'AbortError') body.append(errorBox(err));
  }
}
