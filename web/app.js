// The console's entry point: sign-in, the hash router (#/workspaces, #/new, #/ws/ID/TAB,
// #/ws/ID/runs/RUN) and messages that survive a navigation.
import {api, saveSession, session, signOut} from './api.js';
import {clear, errorBox, h} from './dom.js';
import {renderCreate} from './create.js';
import {renderWorkspace} from './workspace.js';
import {renderWorkspaces} from './workspaces.js';

const main = document.getElementById('main');
let pendingFlash = null;
let routeAbort = null;

function navigate(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

// Shows `message` after the next navigation (or now when `now`).
function flash(message, now = false) {
  pendingFlash = message;
  if (now) showFlash();
}

function showFlash() {
  const box = document.getElementById('flash');
  clear(box);
  if (pendingFlash) {
    box.append(
      h(
        'p',
        {},
        pendingFlash,
        h(
          'button',
          {
            type: 'button',
            class: 'link',
            'aria-label': 'Dismiss message',
            onclick: () => clear(box),
          },
          '×',
        ),
      ),
    );
  }
  pendingFlash = null;
}

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/workspaces';
  const [path, qs] = raw.split('?');
  const decode = (part) => {
    try {
      return decodeURIComponent(part);
    } catch {
      return part; // a malformed escape: shown as typed, the API answers 404
    }
  };
  const parts = path.split('/').filter(Boolean).map(decode);
  return {parts, query: new URLSearchParams(qs || '')};
}

function renderHeader() {
  const s = session();
  const scope = document.getElementById('scope');
  scope.textContent = s ? `account ${s.account} · org ${s.org} · project ${s.project}` : '';
  document.getElementById('sign-out').hidden = !s;
}

function renderSignIn(container, message) {
  const s = session() || {};
  const error = h('div', {'aria-live': 'assertive'}, message ? errorBox(message) : null);
  const field = (id, label, value, attrs = {}) =>
    h(
      'p',
      {class: 'field'},
      h('label', {for: id}, label),
      h('input', {id, name: id, value: value || '', ...attrs}),
    );
  const form = h(
    'form',
    {class: 'card narrow', 'aria-labelledby': 'signin-title'},
    h('h1', {id: 'signin-title', tabindex: '-1'}, 'Sign in to Terrane'),
    h(
      'p',
      {class: 'hint'},
      'Use an API key (make run writes the admin key to data/admin-api-key). ' +
        'It is kept in this tab only and sent in the x-api-key header.',
    ),
    field('api-key', 'API key', '', {type: 'password', autocomplete: 'off', required: true}),
    field('account', 'Account', s.account || 'default', {required: true}),
    field('org', 'Organization', s.org || 'default', {required: true}),
    field('project', 'Project', s.project || 'default', {required: true}),
    error,
    h('p', {}, h('button', {type: 'submit', class: 'primary'}, 'Sign in')),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const candidate = {
      key: form.elements['api-key'].value.trim(),
      account: form.elements.account.value.trim(),
      org: form.elements.org.value.trim(),
      project: form.elements.project.value.trim(),
    };
    clear(error);
    try {
      const enc = encodeURIComponent;
      await api('GET', `/v1/orgs/${enc(candidate.org)}/projects/${enc(candidate.project)}`, {
        s: candidate,
      });
      saveSession(candidate);
      renderHeader();
      // Back to the page asked for before signing in (a shared link), else the list.
      const wanted = location.hash && !location.hash.startsWith('#/signin');
      navigate(wanted ? location.hash : '#/workspaces');
    } catch (err) {
      error.append(
        errorBox(err.status === 401 ? 'That API key is not valid for this account.' : err),
      );
    }
  });
  container.append(form);
  form.elements['api-key'].focus();
}

async function route(message) {
  if (routeAbort) routeAbort.abort();
  routeAbort = new AbortController();
  const ctx = {signal: routeAbort.signal, navigate, flash};
  renderHeader();
  clear(main);
  showFlash();
  const {parts, query} = parseHash();
  if (!session()) {
    renderSignIn(main, message);
    return;
  }
  try {
    if (parts[0] === 'ws' && parts[1]) {
      await renderWorkspace(
        main,
        {id: parts[1], tab: parts[2] || 'overview', run: parts[3], query},
        ctx,
      );
    } else if (parts[0] === 'new') {
      await renderCreate(main, ctx);
    } else {
      await renderWorkspaces(main, query, ctx);
    }
  } catch (err) {
    if (err.name === 'AbortError') return;
    main.append(errorBox(err));
  }
  const heading = main.querySelector('h1');
  document.title = heading ? `${heading.textContent} – Terrane` : 'Terrane';
  if (heading && !main.contains(document.activeElement)) {
    heading.setAttribute('tabindex', '-1');
    heading.focus({preventScroll: true});
  }
}

document.getElementById('sign-out').addEventListener('click', () => {
  signOut();
  navigate('#/signin');
});
// The skip link moves focus without touching the hash, which is the router's.
document.querySelector('.skip').addEventListener('click', (e) => {
  e.preventDefault();
  main.focus();
});
window.addEventListener('terrane:signed-out', (e) => route(e.detail));
window.addEventListener('hashchange', () => route());
route();
