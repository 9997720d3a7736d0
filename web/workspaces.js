// The workspaces page: status counts that filter, search, tag filter, sort and pages.
import {api, getJson, wsBase, wsPath} from './api.js';
import {append, badge, h, table} from './dom.js';
import {relativeTime} from './format.js';

export const SUMMARY_STATUSES = [
  'active',
  'inactive',
  'provisioning',
  'destroying',
  'drifted',
  'apply_needed',
  'failed',
];
const PAGE_SIZE = 20;
const SORTS = [
  ['name,ASC', 'Name A–Z'],
  ['name,DESC', 'Name Z–A'],
  ['updated,DESC', 'Recently updated'],
  ['updated,ASC', 'Least recently updated'],
];

function hashFor(filters) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (v) q.set(k, v);
  const qs = q.toString();
  return qs ? `#/workspaces?${qs}` : '#/workspaces';
}

// One request per status (limit=1, read x-total-items), under the same search and tag filter.
async function statusCounts(filters, signal) {
  const base = {limit: 1, searchTerm: filters.q, tags: filters.tag};
  const counts = await Promise.all(
    SUMMARY_STATUSES.map(async (status) => {
      const res = await api('GET', wsBase(), {query: {...base, status}, signal});
      return [status, Number(res.headers.get('x-total-items') || 0)];
    }),
  );
  return Object.fromEntries(counts);
}

function summary(counts, filters, navigate) {
  const buttons = SUMMARY_STATUSES.map((status) => {
    const pressed = filters.status === status;
    return h(
      'li',
      {},
      h(
        'button',
        {
          type: 'button',
          class: `count status-${status}`,
          'aria-pressed': String(pressed),
          dataset: {status},
          onclick: () => navigate(hashFor({...filters, status: pressed ? '' : status, page: ''})),
        },
        h('span', {class: 'n'}, String(counts[status])),
        h('span', {class: 'label'}, status.replace('_', ' ')),
      ),
    );
  });
  return h('nav', {'aria-label': 'Status summary'}, h('ul', {class: 'counts'}, buttons));
}

function filterForm(filters, navigate) {
  const form = h(
    'form',
    {class: 'filters', role: 'search'},
    h('label', {for: 'search'}, 'Search'),
    h('input', {
      id: 'search',
      type: 'search',
      name: 'q',
      value: filters.q || '',
      placeholder: 'name contains…',
    }),
    h('label', {for: 'tag'}, 'Tag'),
    h('input', {id: 'tag', name: 'tag', value: filters.tag || '', placeholder: 'key or key:value'}),
    h('label', {for: 'sort'}, 'Sort'),
    h(
      'select',
      {id: 'sort', name: 'sort'},
      SORTS.map(([value, text]) =>
        h('option', {value, selected: (filters.sort || 'name,ASC') === value}, text),
      ),
    ),
    h('button', {type: 'submit'}, 'Apply'),
    filters.status || filters.q || filters.tag
      ? h('a', {href: '#/workspaces', class: 'button'}, 'Clear filters')
      : null,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const f = form.elements;
    navigate(
      hashFor({
        status: filters.status,
        q: f.q.value.trim(),
        tag: f.tag.value.trim(),
        sort: f.sort.value === 'name,ASC' ? '' : f.sort.value,
      }),
    );
  });
  form.elements.sort.addEventListener('change', () => form.requestSubmit());
  return form;
}

// Fills the provisioner and last-run cells of one row (the list items carry neither).
async function fillRow(id, provisionerCell, runCell, signal) {
  try {
    const [ws, runs] = await Promise.all([
      getJson(wsPath(id), undefined, signal),
      getJson(wsPath(id, '/runs'), {limit: 1}, signal),
    ]);
    const version =
      ws.provisioner_version && ws.provisioner_version !== 'latest'
        ? ` ${ws.provisioner_version}`
        : '';
    provisionerCell.textContent = `${ws.provisioner}${version}`;
    const run = runs[0];
    runCell.textContent = '';
    if (run) {
      runCell.append(
        h(
          'a',
          {href: `#/ws/${encodeURIComponent(id)}/runs/${encodeURIComponent(run.id)}`},
          `${run.operation} `,
          badge(run.status),
        ),
        ` ${relativeTime(run.created)}`,
      );
    } else {
      runCell.textContent = 'no runs';
    }
  } catch (err) {
    if (err.name !== 'AbortError') runCell.textContent = '?';
  }
}

export async function renderWorkspaces(main, query, {signal, navigate}) {
  const filters = {
    status: query.get('status') || '',
    q: query.get('q') || '',
    tag: query.get('tag') || '',
    sort: query.get('sort') || '',
    page: query.get('page') || '',
  };
  const page = Math.max(1, Number(filters.page) || 1);
  const listQuery = {
    limit: PAGE_SIZE,
    page,
    status: filters.status,
    searchTerm: filters.q,
    tags: filters.tag,
    sort: filters.sort,
  };
  const [counts, res] = await Promise.all([
    statusCounts(filters, signal),
    api('GET', wsBase(), {query: listQuery, signal}),
  ]);
  const total = Number(res.headers.get('x-total-items') || 0);
  const pages = Math.max(1, Number(res.headers.get('x-total-pages') || 1));

  const rows = res.body.map((ws) => {
    const provisioner = h('span', {class: 'muted'}, '…');
    const lastRun = h('span', {class: 'muted'}, '…');
    fillRow(ws.identifier, provisioner, lastRun, signal);
    return [
      h('a', {href: `#/ws/${encodeURIComponent(ws.identifier)}`, class: 'ws-link'}, ws.name),
      h('code', {}, ws.identifier),
      badge(ws.status),
      provisioner,
      lastRun,
      h('time', {datetime: new Date(ws.updated).toISOString()}, relativeTime(ws.updated)),
    ];
  });
  const describe = [
    filters.status && `status ${filters.status}`,
    filters.q && `name containing “${filters.q}”`,
    filters.tag && `tag ${filters.tag}`,
  ]
    .filter(Boolean)
    .join(', ');
  const go = (p) => navigate(hashFor({...filters, page: p > 1 ? String(p) : ''}));
  append(
    main,
    h(
      'div',
      {class: 'title-row'},
      h('h1', {}, 'Workspaces'),
      h('a', {href: '#/new', class: 'button primary'}, 'New workspace'),
    ),
    summary(counts, filters, navigate),
    filterForm(filters, navigate),
    h(
      'p',
      {class: 'muted', id: 'list-summary'},
      `${total} workspace${total === 1 ? '' : 's'}${describe ? ` with ${describe}` : ''}`,
    ),
    table(
      'Workspaces',
      ['Name', 'Identifier', 'Status', 'Provisioner', 'Last run', 'Updated'],
      rows,
      describe ? 'No workspace matches these filters.' : 'No workspaces yet: create one.',
    ),
    pages > 1
      ? h(
          'nav',
          {class: 'pager', 'aria-label': 'Pages'},
          h(
            'button',
            {type: 'button', disabled: page <= 1, onclick: () => go(page - 1)},
            '← Previous',
          ),
          h('span', {}, `Page ${page} of ${pages}`),
          h(
            'button',
            {type: 'button', disabled: page >= pages, onclick: () => go(page + 1)},
            'Next →',
          ),
        )
      : null,
  );
}
