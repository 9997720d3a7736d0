// The variables, configuration (edit and the danger zone) and backend tabs.
import {api, getJson, session, wsPath} from './api.js';
import {append, clear, errorBox, h, openDialog, table} from './dom.js';
import {bodyFromForm, configFields} from './create.js';

// The secret a variable refers to: NAME (the project's), org.NAME or account.NAME.
function secretPath(ref) {
  const s = session();
  const enc = encodeURIComponent;
  const project = `/v1/orgs/${enc(s.org)}/projects/${enc(s.project)}/secrets`;
  if (ref.startsWith('org.')) return `/v1/orgs/${enc(s.org)}/secrets/${enc(ref.slice(4))}`;
  if (ref.startsWith('account.')) return `/v1/secrets/${enc(ref.slice(8))}`;
  return `${project}/${enc(ref)}`;
}

// "set" when the referenced secret exists (its value is never fetched: no route returns
// it), "not set" when it is missing, e.g. deleted after the variable was saved.
function secretState(ref, signal) {
  const cell = h('span', {class: 'badge'}, '…');
  if (!ref) {
    cell.className = 'badge status-failed';
    cell.textContent = 'not set';
    return cell;
  }
  api('GET', secretPath(ref), {signal}).then(
    () => {
      cell.className = 'badge status-active';
      cell.textContent = 'set';
    },
    (err) => {
      if (err.name === 'AbortError') return;
      cell.className = 'badge status-failed';
      cell.textContent = err.status === 404 ? 'not set' : '?';
    },
  );
  return cell;
}

function sortedVariables(vars) {
  return Object.values(vars || {}).sort((a, b) => a.key.localeCompare(b.key));
}

function variableRows(vars, signal) {
  return sortedVariables(vars).map((v) => {
    if (v.value_type === 'secret') {
      return [
        h('code', {}, v.key),
        'secret',
        [secretState(v.value, signal), ' secret ', h('code', {}, v.value || '—')],
      ];
    }
    return [h('code', {}, v.key), v.value_type || 'string', h('code', {}, v.value)];
  });
}

// PUT replaces the whole workspace: the shown one with `change` applied to a copy.
async function saveVariables(ws, change, ctx, message) {
  const body = JSON.parse(JSON.stringify(ws));
  body.terraform_variables = body.terraform_variables || {};
  body.environment_variables = body.environment_variables || {};
  change(body);
  await api('PUT', wsPath(ws.identifier), {body});
  ctx.flash(message);
  ctx.navigate(location.hash);
}

function variableSection(ws, ctx, map, title, hint) {
  const error = h('div', {'aria-live': 'assertive'});
  const rows = variableRows(ws[map], ctx.signal).map((cells, i) => {
    const key = sortedVariables(ws[map])[i].key;
    return [
      ...cells,
      h(
        'button',
        {
          type: 'button',
          onclick: () =>
            saveVariables(
              ws,
              (b) => {
                delete b[map][key];
              },
              ctx,
              `Variable ${key} was removed.`,
            ).catch((err) => clear(error).append(errorBox(err))),
        },
        'Remove',
        h('span', {class: 'sr-only'}, ` ${key}`),
      ),
    ];
  });
  const id = (x) => `${map}-${x}`;
  const form = h(
    'form',
    {class: 'filters', 'aria-label': `Add to ${title}`},
    h('label', {for: id('key')}, 'Name'),
    h('input', {id: id('key'), name: 'key', required: true}),
    h('label', {for: id('type')}, 'Type'),
    h(
      'select',
      {id: id('type'), name: 'type'},
      h('option', {value: 'string'}, 'string'),
      h('option', {value: 'secret'}, 'secret reference'),
    ),
    h('label', {for: id('value')}, 'Value'),
    h('input', {
      id: id('value'),
      name: 'value',
      placeholder: 'text, or a secret: NAME, org.NAME, account.NAME',
    }),
    h('button', {type: 'submit'}, 'Add or replace'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const f = form.elements;
    const key = f.key.value.trim();
    saveVariables(
      ws,
      (b) => {
        b[map][key] = {key, value: f.value.value, value_type: f.type.value};
      },
      ctx,
      `Variable ${key} was saved.`,
    ).catch((err) => clear(error).append(errorBox(err)));
  });
  return [
    h('h2', {}, title),
    h('p', {class: 'hint'}, hint),
    table(title, ['Name', 'Type', 'Value', ''], rows, `No ${title.toLowerCase()}.`),
    form,
    error,
  ];
}

export async function renderVariables(body, ws, ctx) {
  append(
    body,
    variableSection(
      ws,
      ctx,
      'terraform_variables',
      'Terraform variables',
      'Reach terraform as TF_VAR_name. Secret values are never shown: only whether the secret exists.',
    ),
    variableSection(
      ws,
      ctx,
      'environment_variables',
      'Environment variables',
      'The process environment of runs.',
    ),
  );
}

// What deleting removes, counted from the API, for the dialog.
async function deletionInventory(ws, signal) {
  const [versions, runs] = await Promise.all([
    getJson(wsPath(ws.identifier, '/state-versions'), undefined, signal),
    api('GET', wsPath(ws.identifier, '/runs'), {query: {limit: 1}, signal}),
  ]);
  const nRuns = Number(runs.headers.get('x-total-items') || 0);
  const nVars =
    Object.keys(ws.terraform_variables || {}).length +
    Object.keys(ws.environment_variables || {}).length;
  const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return [
    `the workspace ${ws.identifier} and its configuration`,
    `${plural(versions.length, 'state version')} (the whole state history)`,
    `${plural(nRuns, 'run')} with their logs and plans`,
    `${plural(nVars, 'variable')} (secrets in the secret store are kept)`,
  ];
}

async function openDeleteDialog(ws, ctx) {
  const items = await deletionInventory(ws, ctx.signal);
  const error = h('div', {'aria-live': 'assertive'});
  const input = h('input', {
    id: 'confirm-identifier',
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-describedby': 'confirm-hint',
  });
  const del = h(
    'button',
    {type: 'submit', class: 'danger', disabled: true},
    'Delete this workspace',
  );
  const form = h(
    'form',
    {},
    h('p', {}, 'This removes, in one step and for good:'),
    h(
      'ul',
      {class: 'inventory'},
      items.map((t) => h('li', {}, t)),
    ),
    h('p', {}, 'Real infrastructure is not touched: nothing is provisioned now.'),
    h(
      'p',
      {class: 'field'},
      h('label', {for: 'confirm-identifier'}, 'Type ', h('code', {}, ws.identifier), ' to confirm'),
      input,
      h(
        'span',
        {class: 'hint', id: 'confirm-hint'},
        'The button activates when the text matches exactly.',
      ),
    ),
    error,
    h(
      'p',
      {class: 'actions'},
      del,
      h('button', {type: 'button', onclick: () => dialog.close()}, 'Cancel'),
    ),
  );
  input.addEventListener('input', () => {
    del.disabled = input.value !== ws.identifier;
  });
  const dialog = openDialog(`Delete workspace ${ws.name}?`, form);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (input.value !== ws.identifier) return;
    del.disabled = true;
    try {
      await api('DELETE', wsPath(ws.identifier));
      dialog.close();
      ctx.flash(`Workspace ${ws.identifier} was deleted.`);
      ctx.navigate('#/workspaces');
    } catch (err) {
      clear(error).append(errorBox(err));
      del.disabled = false;
    }
  });
  input.focus();
}

function dangerZone(ws, ctx) {
  const inactive = ws.status === 'inactive';
  const why = inactive
    ? 'Nothing is provisioned: the workspace can be deleted.'
    : `This workspace is ${ws.status.replace('_', ' ')}: only an inactive workspace (nothing ` +
      'provisioned) can be deleted, so real infrastructure is never left without its state. ' +
      'Run a destroy first.';
  return h(
    'section',
    {class: 'danger-zone', 'aria-labelledby': 'danger-title'},
    h('h2', {id: 'danger-title'}, 'Danger zone'),
    h('p', {id: 'delete-why'}, why),
    h(
      'p',
      {class: 'actions'},
      h(
        'button',
        {
          type: 'button',
          class: 'danger',
          id: 'delete-workspace',
          disabled: !inactive,
          'aria-describedby': 'delete-why',
          onclick: () => openDeleteDialog(ws, ctx).catch((err) => ctx.flash(err.message, true)),
        },
        'Delete workspace',
      ),
      inactive
        ? null
        : h(
            'button',
            {
              type: 'button',
              class: 'link',
              id: 'start-destroy',
              disabled: !ws.repository,
              onclick: () => ctx.confirmRun('destroy'),
            },
            'Start a destroy run',
          ),
    ),
  );
}

export async function renderConfiguration(body, ws, ctx) {
  const error = h('div', {'aria-live': 'assertive'});
  const form = h(
    'form',
    {class: 'card', 'aria-labelledby': 'config-title'},
    h('h2', {id: 'config-title'}, 'Configuration'),
    configFields(ws, {withIdentifier: false}),
    error,
    h('p', {class: 'actions'}, h('button', {type: 'submit', class: 'primary'}, 'Save changes')),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(error);
    try {
      await api('PUT', wsPath(ws.identifier), {body: bodyFromForm(form, ws)});
      ctx.flash('The configuration was saved.');
      ctx.navigate(location.hash);
    } catch (err) {
      error.append(errorBox(err));
    }
  });
  append(body, form, dangerZone(ws, ctx));
}

export async function renderBackend(body, ws, ctx) {
  const hcl = (await api('GET', wsPath(ws.identifier, '/backend-config'), {signal: ctx.signal}))
    .body;
  const pre = h('pre', {class: 'code', tabindex: '0', 'aria-label': 'Backend block'}, hcl);
  const status = h('span', {role: 'status'});
  append(
    body,
    h('h2', {}, 'Use this workspace from the terraform CLI'),
    h(
      'p',
      {},
      'Paste this block into a file such as backend.tf, then give an API key as the password ' +
        'through the environment (so it is not saved in .terraform/):',
    ),
    pre,
    h(
      'p',
      {class: 'actions'},
      h(
        'button',
        {
          type: 'button',
          onclick: async () => {
            try {
              await navigator.clipboard.writeText(hcl);
              status.textContent = 'Copied.';
            } catch {
              getSelection().selectAllChildren(pre);
              status.textContent = 'Selected: press Ctrl+C to copy.';
            }
          },
        },
        'Copy',
      ),
      ' ',
      status,
    ),
    h(
      'pre',
      {class: 'code'},
      'export TF_HTTP_PASSWORD=<your API key>\nterraform init && terraform apply',
    ),
  );
}
