// The Console: login, the layout (top bar, navigation, tenant selector) and a small router.
// Console pages live at /console/#/<page>; the API Console at /api-console is a view of the same
// app (history.pushState between them), so both share the one in-memory session.
import * as api from './api.js';
import { h, clear, initials, menuButton } from './dom.js';
import { icon } from './icons.js';
import * as session from './session.js';
import { state, can, isAdmin } from './session.js';
import { loadCatalogue, roleTitle } from './catalogue.js';
import { tokensView } from './tokens.js';
import { usersView } from './users.js';
import { activityView } from './activity.js';
import { nodesView } from './nodes.js';
import { ssoView } from './sso.js';
import { webhooksView } from './webhooks.js';
import { notificationsView } from './notifications.js';
import { tenantSelector } from './tenants.js';
import { apiConsoleView } from './api-console.js';
import { openChangePassword, setPasswordPage } from './passwords.js';

const root = document.getElementById('app');

const PAGES = [
  { id: 'tokens', title: 'API tokens', icon: 'key', group: 'Settings', allowed: () => can('api_tokens:view'), view: tokensView },
  { id: 'users', title: 'Users', icon: 'users', group: 'Settings', allowed: () => can('users:view'), view: usersView },
  { id: 'sso', title: 'Single sign-on', icon: 'login', group: 'Settings', allowed: () => isAdmin(), view: ssoView },
  { id: 'activity', title: 'Activity log', icon: 'activity', group: 'Settings', allowed: () => can('activity_log:view'), view: activityView },
  { id: 'nodes', title: 'Nodes', icon: 'server', group: 'Settings', allowed: () => can('nodes:view'), view: nodesView },
  // Client administrators only, as the API answers them.
  { id: 'webhooks', title: 'Webhooks', icon: 'send', group: 'Settings', allowed: isAdmin, view: webhooksView },
  { id: 'notifications', title: 'Notifications', icon: 'mail', group: 'Settings', allowed: isAdmin, view: notificationsView },
  { id: 'api-console', title: 'API Console', icon: 'code', group: 'Developers', allowed: () => true, view: apiConsoleView },
];

function hrefOf(page) {
  return page.id === 'api-console' ? '/api-console' : `/console/#/${page.id}`;
}

function currentPageId() {
  if (window.location.pathname.replace(/\/$/, '') === '/api-console') return 'api-console';
  const match = window.location.hash.match(/^#\/([\w-]+)/);
  return match ? match[1] : null;
}

function navigate(href, { replace = false } = {}) {
  if (replace) window.history.replaceState(null, '', href); else window.history.pushState(null, '', href);
  renderPage();
}

// ---------------------------------------------------------------- login

async function showLogin(message) {
  session.forget();
  document.title = 'Log in · Tokensmith';
  const email = h('input', { type: 'email', id: 'login-email', name: 'email', autocomplete: 'username', required: true });
  const password = h('input', { type: 'password', id: 'login-password', name: 'password', autocomplete: 'current-password',
    required: true });
  const alert = h('div', { class: 'alert error', role: 'alert', id: 'login-error' });
  const note = h('div', { class: 'alert info' }, message || '');
  const submit = h('button', { type: 'submit', class: 'btn primary', id: 'login-submit' }, 'Log in');
  // "Continue with SSO" once the e-mail's domain turns out to have single sign-on.
  const ssoLink = h('a', { class: 'btn sso-btn', id: 'login-sso', href: '/v1/sso/start' }, icon('login', 16),
    'Continue with SSO');
  const ssoChoice = h('div', { class: 'sso-choice', hidden: true, 'data-testid': 'sso-choice' },
    h('div', { class: 'or small muted' }, 'or'), ssoLink);
  const ssoDomains = new Map();
  let ssoTimer = null;
  const checkSso = async () => {
    const typed = email.value.trim();
    const match = /^[^@\s]+@([^@\s]+\.[^@\s]+)$/.exec(typed);
    if (!match) { ssoChoice.hidden = true; return; }
    const domain = match[1].toLowerCase();
    if (!ssoDomains.has(domain)) {
      ssoDomains.set(domain, api.get('/v1/sso/domain', { email: typed }, { quiet: true })
        .then((answer) => Boolean(answer && answer.sso)).catch(() => { ssoDomains.delete(domain); return false; }));
    }
    const offered = await ssoDomains.get(domain);
    if (email.value.trim() !== typed) return;
    ssoLink.setAttribute('href', api.url('/v1/sso/start', { email: typed }));
    ssoChoice.hidden = !offered;
  };
  email.addEventListener('input', () => {
    clearTimeout(ssoTimer);
    ssoTimer = setTimeout(checkSso, 400);
  });
  email.addEventListener('change', () => { clearTimeout(ssoTimer); checkSso(); });
  // method=post: even before the script handles it, a password never lands in a URL.
  const form = h('form', { method: 'post', action: '/console/', novalidate: true, 'aria-describedby': 'login-error' },
    note, alert,
    h('div', { class: 'field' }, h('label', { for: 'login-email' }, 'Email'), email),
    h('div', { class: 'field' }, h('label', { for: 'login-password' }, 'Password'), password),
    submit, ssoChoice);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    alert.textContent = '';
    [email, password].forEach((el) => el.removeAttribute('aria-invalid'));
    if (!email.value.trim() || !password.value) {
      alert.textContent = 'Enter your email and password.';
      (email.value.trim() ? password : email).setAttribute('aria-invalid', 'true');
      (email.value.trim() ? password : email).focus();
      return;
    }
    submit.setAttribute('aria-busy', 'true');
    submit.disabled = true;
    try {
      await session.login(email.value.trim(), password.value);
      password.value = '';
      await loadCatalogue();
      enterApp();
    } catch (e) {
      password.value = '';
      alert.textContent = e.status === 401 ? 'Wrong email or password.' : e.message;
      password.setAttribute('aria-invalid', 'true');
      password.focus();
    } finally {
      submit.removeAttribute('aria-busy');
      submit.disabled = false;
    }
  });
  clear(root).append(h('div', { class: 'login-page' },
    h('main', { class: 'login-card' },
      h('span', { class: 'brand' }, h('img', { src: '/console/favicon.svg', alt: '' }), 'Tokensmith'),
      h('h1', {}, 'Log in to the Console'),
      h('p', { class: 'lead muted' }, 'Manage users, API tokens and the activity log of your company account.'),
      form,
      h('p', { class: 'login-foot small muted' }, 'Automating? Use an API token with the ',
        h('a', { href: '/openapi.json' }, 'Cloud API'), ' instead.'))));
  root.classList.remove('booting');
  root.removeAttribute('aria-busy');
  email.focus();
  if (!message) {
    // A reload forgets the CSRF token; if the session is still open, greet the user and ask for the password.
    const open = await session.openSessionIdentity();
    if (open && open.email && !email.value) {
      email.value = open.email;
      note.textContent = `Welcome back, ${open.realname}. For your security, enter your password again after a reload.`;
      password.focus();
      checkSso();
    }
  }
}

// ---------------------------------------------------------------- one-time link

/** /console/set-password?code=…: the page an invitation or reset link opens. */
function showSetPassword() {
  session.forget();
  document.title = 'Set your password · Tokensmith';
  const code = new URLSearchParams(window.location.search).get('code');
  const page = setPasswordPage(code, async (email) => {
    // The code is used up: it leaves the address bar and the history entry.
    window.history.replaceState(null, '', '/console/');
    await showLogin('Your password is set. Log in with it.');
    const field = document.getElementById('login-email');
    field.value = email;
    document.getElementById('login-password').focus();
  });
  clear(root).append(h('div', { class: 'login-page' },
    h('main', { class: 'login-card' },
      h('span', { class: 'brand' }, h('img', { src: '/console/favicon.svg', alt: '' }), 'Tokensmith'),
      h('h1', {}, 'Set your password'),
      h('p', { class: 'lead muted' }, 'Choose the password you will log in to the Console with.'),
      page.form)));
  root.classList.remove('booting');
  root.removeAttribute('aria-busy');
  page.focus();
}

// ---------------------------------------------------------------- layout

let main = null;
let nav = null;

function enterApp() {
  document.title = 'Tokensmith Console';
  main = h('main', { class: 'content', id: 'main', tabindex: '-1' });
  nav = h('nav', { 'aria-label': 'Main' });
  const groups = [...new Set(PAGES.map((p) => p.group))];
  for (const group of groups) {
    const pages = PAGES.filter((p) => p.group === group && p.allowed());
    if (!pages.length) continue;
    nav.append(h('h2', {}, group), h('ul', {}, pages.map((page) => h('li', {},
      h('a', { href: hrefOf(page), dataset: { nav: page.id } },
        icon(page.icon), h('span', { class: 'nav-label' }, page.title))))));
  }
  const user = state.user;
  const userMenu = menuButton({
    label: 'Account',
    className: 'user-btn',
    content: [h('span', { class: 'avatar', 'aria-hidden': 'true' }, initials(user.realname)),
      // The name once: the role beneath it only when it says something else.
      h('span', { class: 'who' }, user.realname,
        user.realname === roleTitle(user.role) ? null : h('small', {}, roleTitle(user.role)))],
    note: () => h('div', { class: 'menu-note' }, h('strong', {}, user.realname), user.email),
    items: () => [
      { id: 'change-password', label: 'Change password', run: openChangePassword },
      { id: 'logout', label: 'Log out', run: logout },
    ],
  });
  userMenu.dataset.testid = 'user-menu';
  clear(root).append(
    h('a', { class: 'skip-link', href: '#main', onclick: (e) => { e.preventDefault(); main.focus(); } }, 'Skip to content'),
    h('header', { class: 'topbar' },
      h('a', { class: 'brand', href: '/console/#/', dataset: { nav: '' } },
        h('img', { src: '/console/favicon.svg', alt: '' }), 'Tokensmith', h('span', { class: 'brand-sub' }, 'Console')),
      tenantSelector(),
      h('div', { class: 'spacer' }),
      userMenu),
    h('div', { class: 'shell' }, h('aside', { class: 'sidebar' }, nav), main));
  renderPage();
}

async function logout() {
  try {
    await session.logout();
  } catch (e) {
    // the session is forgotten here whatever the server said
  }
  window.history.replaceState(null, '', '/console/');
  showLogin('You have logged out.');
}

function renderPage() {
  if (!api.hasSession() || !main) return;
  const allowed = PAGES.filter((p) => p.allowed());
  let page = allowed.find((p) => p.id === currentPageId());
  if (!page) {
    page = allowed[0];
    window.history.replaceState(null, '', hrefOf(page));
  }
  nav.querySelectorAll('a[data-nav]').forEach((a) => {
    if (a.dataset.nav === page.id) {
      a.setAttribute('aria-current', 'page');
      a.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    } else {
      a.removeAttribute('aria-current');
    }
  });
  document.querySelectorAll('dialog[open]').forEach((d) => d.close());
  document.title = `${page.title} · Tokensmith`;
  clear(main);
  if (allowed.length === 1 && page.id === 'api-console' && state.user.role !== 'deploy') {
    main.append(h('div', { class: 'alert info' },
      'Your role has no Console settings to manage. The API Console below lists what your role can call.'));
  }
  page.view(main);
}

// ---------------------------------------------------------------- start

document.addEventListener('click', (event) => {
  const link = event.target.closest('a[data-nav]');
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
  event.preventDefault();
  if (link.getAttribute('href') !== `${window.location.pathname}${window.location.hash}`) navigate(link.getAttribute('href'));
  else renderPage();
  if (main) main.focus({ preventScroll: true });
});
window.addEventListener('popstate', renderPage);
window.addEventListener('hashchange', renderPage);
session.onClientChange(() => renderPage());
api.onUnauthorized(() => {
  document.querySelectorAll('dialog[open]').forEach((d) => d.close());
  showLogin('Your session has ended. Please log in again.');
});

async function start() {
  if (window.location.pathname === '/console/set-password') {
    showSetPassword();
    return;
  }
  if (await session.adoptSsoLogin()) {
    root.classList.remove('booting');
    root.removeAttribute('aria-busy');
    await loadCatalogue();
    enterApp();
    return;
  }
  showLogin();
}

start();

