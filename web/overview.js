// The overview tab (source, provisioner, status, lock, last runs) and the resources tab.
import {api, getJson, wsPath} from './api.js';
import {append, badge, h, table} from './dom.js';
import {changes, formatTime, relativeTime, sourceText, tagsText} from './format.js';

function facts(pairs) {
  return h(
    'dl',
    {class: 'facts'},
    pairs.filter(Boolean).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
  );
}

export function runLink(ws, run) {
  return h(
    'a',
    {href: `#/ws/${encodeURIComponent(ws.identifier)}/runs/${encodeURIComponent(run.id)}`},
    run.id,
  );
}

export function runRows(ws, runs) {
  return runs.map((r) => [
    runLink(ws, r),
    r.operation,
    badge(r.status),
    changes(r.resource_changes),
    r.created_by || '—',
    relativeTime(r.created),
  ]);
}

export const RUN_HEADERS = [
  'Run',
  'Operation',
  'Status',
  'Changes (+ ~ -)',
  'Started by',
  'Created',
];

function lockText(ws) {
  if (!ws.backend_locked) return 'unlocked';
  const l = ws.lock || {};
  if (l.manual) {
    return (
      `locked by ${l.locked_by_display_name || l.locked_by_principal_id || 'someone'}` +
      `${l.reason ? `: ${l.reason}` : ''} (since ${formatTime(l.created_at)})`
    );
  }
  return 'locked by terraform or a run';
}

export async function renderOverview(body, ws, ctx) {
  const runs = await getJson(wsPath(ws.identifier, '/runs'), {limit: 5}, ctx.signal);
  const unlock = ws.backend_locked
    ? h(
        'button',
        {
          type: 'button',
          onclick: async () => {
            try {
              await api('POST', wsPath(ws.identifier, '/actions/force-unlock'));
              ctx.flash('The lock was released.');
              ctx.navigate(location.hash);
            } catch (err) {
              ctx.flash(err.message, true);
            }
          },
        },
        'Force unlock',
      )
    : null;
  append(
    body,
    h('h2', {}, 'Overview'),
    facts([
      ['Status', badge(ws.status)],
      ['Source', sourceText(ws)],
      ['Provisioner', `${ws.provisioner} ${ws.provisioner_version || 'latest'}`],
      ['Lock', [lockText(ws), unlock ? ' ' : null, unlock]],
      ws.description ? ['Description', ws.description] : null,
      ['Tags', tagsText(ws.tags) || '—'],
      ['Created', formatTime(ws.created)],
      ['Updated', formatTime(ws.updated)],
      ['State checksum', ws.state_checksum ? h('code', {}, ws.state_checksum) : 'no state yet'],
    ]),
    h('h2', {}, 'Last runs'),
    table(
      'Last runs',
      RUN_HEADERS,
      runRows(ws, runs),
      'No runs yet: start one with the buttons above.',
    ),
    runs.length
      ? h('p', {}, h('a', {href: `#/ws/${encodeURIComponent(ws.identifier)}/runs`}, 'All runs'))
      : null,
  );
}

function valueText(v) {
  if (v === null || v === undefined) return '(null)';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export async function renderResources(body, ws, ctx) {
  const r = await getJson(wsPath(ws.identifier, '/resources'), undefined, ctx.signal);
  const resRows = (items) =>
    items.map((x) => [
      h('code', {}, `${x.module ? `${x.module}.` : ''}${x.type}.${x.name}`),
      x.provider,
      h(
        'details',
        {},
        h('summary', {}, 'attributes'),
        h('pre', {}, JSON.stringify(x.attributes, null, 2)),
      ),
      (x.sensitive_attributes || []).length ? 'some values hidden' : '—',
    ]);
  append(
    body,
    h('h2', {}, `Resources (${r.total_resources})`),
    table(
      'Resources',
      ['Address', 'Provider', 'Attributes', 'Sensitive'],
      resRows(r.resources || []),
      'The state holds no resources.',
    ),
    h('h2', {}, 'Data sources'),
    table(
      'Data sources',
      ['Address', 'Provider', 'Attributes', 'Sensitive'],
      resRows(r.data_sources || []),
      'No data sources.',
    ),
    h('h2', {}, 'Outputs'),
    table(
      'Outputs',
      ['Name', 'Value'],
      (r.outputs || []).map((o) => [
        h('code', {}, o.name),
        o.sensitive
          ? h('span', {class: 'muted'}, 'sensitive (hidden)')
          : h('code', {}, valueText(o.value)),
      ]),
      'No outputs.',
    ),
  );
}
