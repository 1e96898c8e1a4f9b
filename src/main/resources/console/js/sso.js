// Settings → Single sign-on (administrators of the working client): the client's OpenID Connect IdP
// (GET/PUT /v2/sso) and a "Test connection" that fetches the IdP's discovery document
// (POST /v2/sso/test). The IdP's client secret is write-only: the page only says whether one is stored.
import * as api from './api.js';
import { h, clear, field, fieldset, toast, busy, clearErrors, showErrors } from './dom.js';
import { state, workingOnTechnicalTenant } from './session.js';
import { roles } from './catalogue.js';

function checkbox(name, checked) {
  return h('input', { type: 'checkbox', name, checked: Boolean(checked) });
}

function domainsOf(text) {
  return text.split(/[\s,]+/).map((d) => d.trim()).filter(Boolean);
}

export function ssoView(main) {
  const body = h('div', {}, h('div', { class: 'loading' }, 'Loading single sign-on settings…'));
  main.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'Single sign-on')),
    h('p', { class: 'page-lead' },
      'Let the people of this client log in through your identity provider (OpenID Connect: Keycloak, Okta, '
      + 'Entra ID, Google, Auth0). Users whose email domain is listed below get “Continue with SSO” on the login page.'),
    body);

  async function load() {
    try {
      render(await api.get('/v2/sso', { client_id: state.clientId }));
    } catch (e) {
      clear(body).append(h('div', { class: 'alert error', role: 'alert' }, e.message));
    }
  }

  function render(settings) {
    const enabled = checkbox('enabled', settings.enabled);
    const issuer = h('input', { type: 'url', name: 'issuer', autocomplete: 'off', spellcheck: 'false', maxlength: 512,
      value: settings.issuer || '' });
    const clientId = h('input', { type: 'text', name: 'client_id', autocomplete: 'off', spellcheck: 'false',
      maxlength: 255, value: settings.client_id || '' });
    const secret = h('input', { type: 'password', name: 'client_secret', autocomplete: 'new-password',
      placeholder: settings.client_secret_set ? 'Stored — leave empty to keep it' : 'None stored (a public client)' });
    const roleClaim = h('input', { type: 'text', name: 'role_claim', autocomplete: 'off', spellcheck: 'false',
      maxlength: 128, value: settings.role_claim || 'tokensmith_role' });
    const defaultRole = h('select', { name: 'default_role' }, h('option', { value: '' }, 'None: a role claim is required'),
      roles().filter((r) => r.id !== 'custom' && (!r.global || workingOnTechnicalTenant()))
        .map((r) => h('option', { value: r.id }, r.title)));
    defaultRole.value = settings.default_role || '';
    const provisioning = checkbox('provisioning', settings.provisioning);
    const strict = checkbox('strict', settings.strict);
    const domains = h('textarea', { name: 'email_domains', rows: 2, spellcheck: 'false', placeholder: 'example.com' });
    domains.value = (settings.email_domains || []).join('\n');
    const redirect = `${window.location.origin}/v1/sso/callback`;
    const testResult = h('div', { 'data-testid': 'sso-test-result', 'aria-live': 'polite' });
    const strictNote = h('div', { class: 'alert warn small', role: 'note', 'data-testid': 'strict-note' },
      'Strict: every user of this client moves to SSO at once and nobody can go back to a password while it is on. '
      + 'Users without API access lose their tokens (they are disabled, for good), and legacy credential pairs stop.');
    const syncStrict = () => { strictNote.hidden = !strict.checked || settings.strict; };
    strict.addEventListener('change', syncStrict);
    syncStrict();

    const save = h('button', { type: 'submit', class: 'btn primary', 'data-testid': 'sso-save' }, 'Save');
    const test = h('button', { type: 'button', class: 'btn', 'data-testid': 'sso-test' }, 'Test connection');
    const form = h('form', { class: 'settings-form', novalidate: true, 'data-testid': 'sso-form' },
      h('div', { class: 'alert error', role: 'alert' }),
      h('div', { class: 'field', dataset: { field: 'enabled' } },
        h('label', { class: 'choice' }, enabled, 'Enable single sign-on for this client'),
        h('div', { class: 'field-error', role: 'alert' })),
      field({ label: 'Issuer', name: 'issuer', control: issuer,
        hint: 'The IdP’s issuer URL; its discovery document is read from <issuer>/.well-known/openid-configuration.' }),
      field({ label: 'Client ID', name: 'client_id', control: clientId, hint: 'The client registered for Tokensmith at the IdP.' }),
      field({ label: 'Client secret', name: 'client_secret', control: secret,
        hint: 'Write-only: stored encrypted, never shown again.' }),
      h('div', { class: 'field' }, h('div', { class: 'label' }, 'Redirect URI to register at the IdP'),
        h('code', { class: 'code', 'data-testid': 'sso-redirect-uri' }, redirect),
        h('div', { class: 'hint' }, 'Under the server’s public URL when TOKENSMITH_PUBLIC_URL is set.')),
      field({ label: 'Role claim', name: 'role_claim', control: roleClaim,
        hint: 'The ID token claim naming the user’s role: admin, analytic, … or wallarm_role:admin. Updated at each login.' }),
      field({ label: 'Default role', name: 'default_role', control: defaultRole,
        hint: 'Given to a provisioned user whose ID token names no role.' }),
      field({ label: 'Email domains', name: 'email_domains', control: domains,
        hint: 'One per line. A domain belongs to one client only.' }),
      fieldset({ legend: 'Users', name: 'provisioning', children: [
        h('label', { class: 'choice' }, provisioning, 'Provisioning: create users at their first SSO login'),
        h('div', { class: 'hint' }, 'Provisioned users are then disabled and deleted at the IdP, not here, '
          + 'until provisioning is turned off.'),
        h('label', { class: 'choice' }, strict, 'Strict: every user must log in through the IdP'),
        strictNote] }),
      h('div', { class: 'form-actions' }, save, test),
      testResult);

    test.addEventListener('click', () => busy(test, async () => {
      clear(testResult);
      try {
        const answer = await api.post(`/v2/sso/test?client_id=${encodeURIComponent(state.clientId)}`,
          issuer.value.trim() ? { issuer: issuer.value.trim() } : {});
        testResult.append(answer.ok
          ? h('div', { class: 'alert info', role: 'status' }, h('strong', {}, 'The IdP answered. '),
            `Authorization endpoint: ${answer.authorization_endpoint}. Token endpoint: ${answer.token_endpoint}.`,
            (answer.code_challenge_methods_supported || []).includes('S256') ? ' PKCE (S256) is supported.' : '')
          : h('div', { class: 'alert error', role: 'alert' }, `${answer.error || 'The IdP did not answer'}: ${answer.issuer}`));
      } catch (e) {
        showErrors(form, e);
      }
    }));

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearErrors(form);
      const change = {
        enabled: enabled.checked,
        issuer: issuer.value.trim(),
        client_id: clientId.value.trim(),
        role_claim: roleClaim.value.trim() || 'tokensmith_role',
        default_role: defaultRole.value || null,
        provisioning: provisioning.checked,
        strict: strict.checked,
        email_domains: domainsOf(domains.value),
      };
      // Empty keeps the stored secret: it is never sent back to be kept.
      if (secret.value) change.client_secret = secret.value;
      try {
        const saved = await busy(save, () => api.put(`/v2/sso?client_id=${encodeURIComponent(state.clientId)}`, change));
        secret.value = '';
        toast('Single sign-on settings saved.');
        render(saved);
      } catch (e) {
        showErrors(form, e);
      }
    });
    clear(body).append(form);
  }

  load();
}
