// Creating a workspace, and the configuration fields it shares with editing one.
import {api, wsBase} from './api.js';
import {clear, errorBox, h} from './dom.js';
import {parseTags, tagsText} from './format.js';

function field(id, label, input, hint) {
  return h(
    'p',
    {class: 'field'},
    h('label', {for: id}, label),
    input,
    hint ? h('span', {class: 'hint', id: `${id}-hint`}, hint) : null,
  );
}

function refKind(ws) {
  if (ws.repository_commit) return 'repository_commit';
  if (ws.repository_sha) return 'repository_sha';
  return 'repository_branch';
}

// The configuration fields, filled from `ws` (an existing workspace, or {} for a new one).
export function configFields(ws, {withIdentifier}) {
  const kind = refKind(ws);
  return [
    withIdentifier
      ? field(
          'f-identifier',
          'Identifier',
          h('input', {
            id: 'f-identifier',
            name: 'identifier',
            required: true,
            autocomplete: 'off',
            'aria-describedby': 'f-identifier-hint',
          }),
          'Letters, digits, _ and -; starts with a letter or _. Cannot be changed later.',
        )
      : null,
    field(
      'f-name',
      'Name',
      h('input', {id: 'f-name', name: 'name', value: ws.name || '', required: true}),
    ),
    field(
      'f-description',
      'Description',
      h('textarea', {id: 'f-description', name: 'description', rows: 2}, ws.description || ''),
    ),
    field(
      'f-provisioner',
      'Provisioner',
      h(
        'select',
        {id: 'f-provisioner', name: 'provisioner'},
        ['terraform', 'opentofu'].map((p) =>
          h('option', {value: p, selected: ws.provisioner === p}, p),
        ),
      ),
    ),
    field(
      'f-version',
      'Provisioner version',
      h('input', {
        id: 'f-version',
        name: 'provisioner_version',
        value: ws.provisioner_version || 'latest',
      }),
      '“latest”, or a version such as 1.11 that the binary on the server must match.',
    ),
    field(
      'f-repository',
      'Git repository',
      h('input', {
        id: 'f-repository',
        name: 'repository',
        value: ws.repository || '',
        placeholder: 'URL or path; empty for a state-only workspace',
      }),
    ),
    h(
      'fieldset',
      {class: 'inline'},
      h('legend', {}, 'Revision'),
      h('label', {for: 'f-ref-kind', class: 'sr-only'}, 'Revision kind'),
      h(
        'select',
        {id: 'f-ref-kind', name: 'ref_kind'},
        [
          ['repository_branch', 'Branch'],
          ['repository_commit', 'Tag'],
          ['repository_sha', 'Commit SHA'],
        ].map(([v, t]) => h('option', {value: v, selected: kind === v}, t)),
      ),
      h('label', {for: 'f-ref', class: 'sr-only'}, 'Revision'),
      h('input', {id: 'f-ref', name: 'ref', value: ws[kind] || (withIdentifier ? 'main' : '')}),
    ),
    field(
      'f-path',
      'Folder in the repository',
      h('input', {id: 'f-path', name: 'repository_path', value: ws.repository_path || ''}),
    ),
    field(
      'f-tags',
      'Tags',
      h('input', {
        id: 'f-tags',
        name: 'tags',
        value: tagsText(ws.tags),
        placeholder: 'team:web, env:prod',
      }),
    ),
  ];
}

// The request body from the form, on top of `base` (PUT replaces the whole workspace, so an
// edit starts from the current one and keeps its variables).
export function bodyFromForm(form, base = {}) {
  const f = form.elements;
  const body = {
    ...base,
    terraform_variables: base.terraform_variables || {},
    environment_variables: base.environment_variables || {},
  };
  for (const k of ['repository_branch', 'repository_commit', 'repository_sha']) delete body[k];
  body.name = f.name.value.trim();
  body.description = f.description.value;
  body.provisioner = f.provisioner.value;
  body.provisioner_version = f.provisioner_version.value.trim() || 'latest';
  body.repository = f.repository.value.trim();
  body.repository_path = f.repository_path.value.trim();
  if (body.repository && f.ref.value.trim()) body[f.ref_kind.value] = f.ref.value.trim();
  body.tags = parseTags(f.tags.value);
  if (f.identifier) body.identifier = f.identifier.value.trim();
  return body;
}

export async function renderCreate(main, {navigate, flash}) {
  const error = h('div', {'aria-live': 'assertive'});
  const form = h(
    'form',
    {class: 'card', 'aria-labelledby': 'create-title'},
    h('h1', {id: 'create-title'}, 'New workspace'),
    configFields({provisioner: 'terraform'}, {withIdentifier: true}),
    error,
    h(
      'p',
      {class: 'actions'},
      h('button', {type: 'submit', class: 'primary'}, 'Create workspace'),
      h('a', {href: '#/workspaces', class: 'button'}, 'Cancel'),
    ),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(error);
    const body = bodyFromForm(form);
    try {
      await api('POST', wsBase(), {body});
      flash(`Workspace ${body.identifier} was created.`);
      navigate(`#/ws/${encodeURIComponent(body.identifier)}`);
    } catch (err) {
      error.append(errorBox(err));
      error.querySelector('.error').focus?.();
    }
  });
  main.append(form);
}
