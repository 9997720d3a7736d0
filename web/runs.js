// The runs tab and a run's page: steps, the live log, the plan summary and the decisions.
import {api, followLog, getJson, wsPath} from './api.js';
import {append, badge, clear, errorBox, h, table} from './dom.js';
import {duration, formatTime} from './format.js';
import {RUN_HEADERS, runRows} from './overview.js';

const DONE = new Set(['succeeded', 'failed', 'cancelled', 'rejected']);
const POLL_MS = 1000;

function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(new DOMException('navigated away', 'AbortError'));
      },
      {once: true},
    );
  });
}

export async function renderRuns(body, ws, ctx) {
  const runs = await getJson(wsPath(ws.identifier, '/runs'), {limit: 50}, ctx.signal);
  append(
    body,
    h('h2', {}, 'Runs'),
    table('Runs', RUN_HEADERS, runRows(ws, runs), 'No runs yet: start one with the buttons above.'),
  );
}

// True once a plan (or a drift check's refresh-only plan) of the run has been stored.
function planDone(run) {
  return (run.steps || []).some(
    (s) => (s.name.startsWith('plan') || s.name === 'detect-drift') && s.status === 'succeeded',
  );
}

function details(run, ws, actions) {
  const rc = run.resource_changes || {};
  const steps = (run.steps || []).map((s) => [
    s.name,
    badge(s.status),
    duration(s.started, s.finished),
    s.exit_code === undefined || s.exit_code === null ? '—' : String(s.exit_code),
  ]);
  return [
    h(
      'dl',
      {class: 'facts'},
      h('dt', {}, 'Status'),
      h('dd', {id: 'run-status'}, badge(run.status)),
      h('dt', {}, 'Operation'),
      h('dd', {}, run.operation),
      h('dt', {}, 'Started by'),
      h('dd', {}, run.created_by || '—'),
      h('dt', {}, 'Created'),
      h('dd', {}, formatTime(run.created)),
      h('dt', {}, 'Duration'),
      h('dd', {}, duration(run.started, run.finished)),
      h('dt', {}, 'Commit'),
      h('dd', {}, run.commit_sha ? h('code', {}, run.commit_sha) : '—'),
      run.message ? [h('dt', {}, 'Message'), h('dd', {}, run.message)] : null,
      run.decided_by ? [h('dt', {}, 'Decided by'), h('dd', {}, run.decided_by)] : null,
    ),
    h('h3', {}, 'Plan'),
    h(
      'p',
      {id: 'plan-summary', class: 'plan-summary'},
      rc.has_changes || rc.add || rc.change || rc.destroy
        ? [
            h('span', {class: 'add'}, `${rc.add} to add`),
            ', ',
            h('span', {class: 'change'}, `${rc.change} to change`),
            ', ',
            h('span', {class: 'destroy'}, `${rc.destroy} to destroy`),
          ]
        : planDone(run)
          ? 'No changes.'
          : 'No plan yet.',
    ),
    actions,
    h('h3', {}, 'Steps'),
    table('Steps', ['Step', 'Status', 'Duration', 'Exit code'], steps, 'No steps yet.'),
  ];
}

function actionButtons(run, ws, ctx, refresh) {
  const error = h('div', {'aria-live': 'assertive'});
  const act = (verb, done) => async (e) => {
    e.currentTarget.disabled = true;
    try {
      await api('POST', wsPath(ws.identifier, `/runs/${encodeURIComponent(run.id)}/${verb}`));
      ctx.flash(done, true);
    } catch (err) {
      clear(error).append(errorBox(err));
    }
    // The page may be gone by now (navigated away): nothing to show then.
    refresh().catch(() => {});
  };
  const waiting = run.status === 'waiting_approval';
  const planButton = h(
    'button',
    {
      type: 'button',
      onclick: async () => {
        try {
          const plan = await api(
            'GET',
            wsPath(ws.identifier, `/runs/${encodeURIComponent(run.id)}/plan`),
          );
          const pre = document.getElementById('plan-text');
          pre.hidden = false;
          pre.textContent = plan.body;
          pre.focus();
        } catch (err) {
          clear(error).append(errorBox(err));
        }
      },
    },
    'Show the plan',
  );
  return h(
    'div',
    {},
    waiting
      ? h('p', {class: 'callout', role: 'status'}, 'This run waits for approval of its plan.')
      : null,
    h(
      'p',
      {class: 'actions'},
      waiting
        ? h(
            'button',
            {type: 'button', class: 'primary', onclick: act('approve', 'The run was approved.')},
            'Approve',
          )
        : null,
      waiting
        ? h(
            'button',
            {
              type: 'button',
              class: 'danger-outline',
              onclick: act('reject', 'The run was rejected.'),
            },
            'Reject',
          )
        : null,
      DONE.has(run.status)
        ? null
        : h(
            'button',
            {type: 'button', class: 'danger-outline', onclick: act('cancel', 'Cancel requested.')},
            'Cancel run',
          ),
      planDone(run) ? planButton : null,
    ),
    error,
  );
}

export async function renderRun(body, ws, ctx) {
  const path = wsPath(ws.identifier, `/runs/${encodeURIComponent(ctx.run)}`);
  let run = await getJson(path, undefined, ctx.signal);
  const info = h('div', {});
  const log = h('pre', {id: 'log', class: 'log', tabindex: '0', 'aria-label': 'Run log'});
  const follow = h('input', {type: 'checkbox', id: 'log-follow', checked: true});
  const planText = h('pre', {
    id: 'plan-text',
    class: 'plan',
    tabindex: '0',
    hidden: true,
    'aria-label': 'Plan',
  });
  let shown = '';
  // Re-renders only when the run changed, and puts focus back on the same control, so a
  // keyboard user's place survives the polling.
  const refresh = async () => {
    run = await getJson(path, undefined, ctx.signal);
    const text = JSON.stringify(run);
    if (text === shown) return run;
    const statusChanged = shown !== '' && JSON.parse(shown).status !== run.status;
    shown = text;
    if (statusChanged) ctx.refreshHeader().catch(() => {});
    const focused = info.contains(document.activeElement)
      ? document.activeElement.textContent
      : null;
    append(clear(info), details(run, ws, actionButtons(run, ws, ctx, refresh)));
    if (focused !== null) {
      const again = [...info.querySelectorAll('button')].find((b) => b.textContent === focused);
      (again || info.querySelector('button') || log).focus();
    }
    return run;
  };
  append(
    body,
    h('h2', {}, 'Run ', h('code', {}, run.id)),
    info,
    planText,
    h(
      'div',
      {class: 'title-row'},
      h('h3', {}, 'Log'),
      h('p', {class: 'check'}, follow, h('label', {for: 'log-follow'}, 'Scroll with the log')),
    ),
    log,
  );
  await refresh();

  const appendLog = (text) => {
    log.append(document.createTextNode(text));
    if (follow.checked) log.scrollTop = log.scrollHeight;
  };
  // Steps refresh while the log streams; the stream ends at the run's end or its approval wait.
  let offset = 0;
  (async () => {
    while (!DONE.has(run.status)) {
      await sleep(POLL_MS, ctx.signal);
      await refresh();
    }
  })().catch(() => {});
  try {
    for (;;) {
      offset = await followLog(`${path}/logs`, offset, appendLog, ctx.signal);
      await refresh();
      if (DONE.has(run.status)) break;
      while (run.status === 'waiting_approval') await sleep(POLL_MS, ctx.signal).then(refresh);
    }
  } catch (err) {
    if (err.name !== 'AbortError') body.append(errorBox(err));
  }
}
