// Settings → Notifications (client administrators): whether e-mail (SMTP) is on, from
// GET /v2/notifications, and what nobody is told while it is off.
import * as api from './api.js';
import { h, clear } from './dom.js';
import { icon } from './icons.js';

function emailOn(from) {
  return h('div', { 'data-testid': 'email-status', dataset: { enabled: 'true' } },
    h('p', {}, h('span', { class: 'pill ok' }, 'E-mail on'), ' Notices are mailed from ',
      h('strong', { class: 'mono' }, from || 'the configured sender'), '.'),
    h('ul', { class: 'plain-list' },
      h('li', {}, 'Invitations and password reset links go to the user’s address.'),
      h('li', {}, 'Token owners (for a shared token, every administrator of its client) are warned three days '
        + 'before a token expires.'),
      h('li', {}, 'Token owners are told when a token is reported as leaked and disabled.')));
}

function emailOff() {
  return h('div', { 'data-testid': 'email-status', dataset: { enabled: 'false' } },
    h('p', {}, h('span', { class: 'pill off' }, 'E-mail off'),
      ' This server has no SMTP server configured (TOKENSMITH_SMTP_HOST), so it mails nothing. Without it:'),
    h('ul', { class: 'plain-list', 'data-testid': 'email-lost' },
      h('li', {}, h('strong', {}, 'Invitations and reset links'),
        ' are shown once in the Console instead: pass them on to the user yourself.'),
      h('li', {}, h('strong', {}, 'Nobody is warned before a token expires.'),
        ' The activity log still records the notice, and the token list shows each expiry date.'),
      h('li', {}, h('strong', {}, 'Nobody is told that a token was disabled as leaked.'),
        ' The activity log and webhooks still say so.')),
    h('p', { class: 'small muted' }, 'The server’s operator turns e-mail on with the TOKENSMITH_SMTP_* settings.'));
}

export function notificationsView(main) {
  const status = h('div', { class: 'card-section' }, h('div', { class: 'loading' }, 'Loading…'));
  main.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'Notifications')),
    h('p', { class: 'page-lead' },
      'How Tokensmith tells people what they need to know. Webhooks tell your systems: see ',
      h('a', { href: '/console/#/webhooks', dataset: { nav: 'webhooks' } }, icon('send', 14), ' Webhooks'), '.'),
    h('h2', { class: 'section-title' }, 'E-mail'),
    status);
  api.get('/v2/notifications').then(({ email }) => {
    clear(status).append(email.enabled ? emailOn(email.from) : emailOff());
  }).catch((e) => {
    clear(status).append(h('div', { class: 'alert error', role: 'alert' }, e.message));
  });
}
