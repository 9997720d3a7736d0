// The state tab: versions newest first, download, rollback with a confirmation.
import {api, download, getJson, wsPath} from './api.js';
import {append, clear, errorBox, h, openDialog, table} from './dom.js';
import {bytes, formatTime} from './format.js';

function confirmRollback(ws, v, ctx) {
  const error = h('div', {'aria-live': 'assertive'});
  const go = h('button', {type: 'submit', class: 'danger'}, `Roll back to serial ${v.serial}`);
  const form = h(
    'form',
    {},
    h(
      'p',
      {},
      'This copies version ',
      h('code', {}, v.id),
      ` (serial ${v.serial}, ` +
        `${v.resource_count} resources, ${formatTime(v.created)}) forward as the new current state. ` +
        'Real infrastructure is not changed: run a plan afterwards to reconcile it.',
    ),
    error,
    h(
      'p',
      {class: 'actions'},
      go,
      h('button', {type: 'button', onclick: () => dialog.close()}, 'Cancel'),
    ),
  );
  const dialog = openDialog('Roll back the state?', form);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    go.disabled = true;
    try {
      await api(
        'POST',
        wsPath(ws.identifier, `/state-versions/${encodeURIComponent(v.id)}/rollback`),
      );
      dialog.close();
      ctx.flash(`The state was rolled back to serial ${v.serial}.`);
      ctx.navigate(location.hash);
    } catch (err) {
      clear(error).append(errorBox(err));
      go.disabled = false;
    }
  });
  go.focus();
}

export async function renderState(body, ws, ctx) {
  const versions = await getJson(wsPath(ws.identifier, '/state-versions'), undefined, ctx.signal);
  const error = h('div', {'aria-live': 'assertive'});
  const rows = versions.map((v, i) => [
    h('code', {title: v.id}, v.id.slice(0, 12)),
    String(v.serial),
    String(v.resource_count),
    bytes(v.size),
    formatTime(v.created),
    v.created_by || '—',
    [
      i === 0 ? h('span', {class: 'badge'}, 'current') : null,
      v.rollback_source_id ? ' rollback' : null,
    ],
    h(
      'span',
      {class: 'row-actions'},
      h(
        'button',
        {
          type: 'button',
          onclick: () =>
            download(
              wsPath(ws.identifier, `/state-versions/${encodeURIComponent(v.id)}/download`),
              `${ws.identifier}-serial-${v.serial}.tfstate`,
            ).catch((err) => clear(error).append(errorBox(err))),
        },
        'Download',
        h('span', {class: 'sr-only'}, ` serial ${v.serial}`),
      ),
      i > 0
        ? h(
            'button',
            {type: 'button', onclick: () => confirmRollback(ws, v, ctx)},
            'Roll back',
            h('span', {class: 'sr-only'}, ` to serial ${v.serial}`),
          )
        : null,
    ),
  ]);
  append(
    body,
    h('h2', {}, 'State versions'),
    h(
      'p',
      {class: 'hint'},
      'Every state write is kept. Rolling back copies an old version forward.',
    ),
    error,
    table(
      'State versions',
      ['Version', 'Serial', 'Resources', 'Size', 'Written', 'By', '', 'Actions'],
      rows,
      'No state yet.',
    ),
  );
}
