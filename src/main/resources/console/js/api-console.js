// The API Console: the OpenAPI document rendered by swagger-ui (bundled in the jar), inside the
// Console so that "Try it out" runs with the Console session: the browser sends the HttpOnly
// cookie, and the interceptor adds the in-memory CSRF token, to this origin only.
import { h } from './dom.js';
import { csrf } from './api.js';
import { state } from './session.js';

let swagger = null;

// Under its version (named by the page), so the browser keeps the 1.5 MB bundle between visits.
function swaggerBase() {
  const meta = document.querySelector('meta[name="swagger-ui"]');
  return meta ? meta.getAttribute('content') : '/console/swagger-ui/';
}

function loadSwagger() {
  if (!swagger) {
    swagger = new Promise((resolve, reject) => {
      document.head.append(h('link', { rel: 'stylesheet', href: `${swaggerBase()}swagger-ui.css` }));
      const script = h('script', { src: `${swaggerBase()}swagger-ui-bundle.js` });
      script.addEventListener('load', () => resolve(window.SwaggerUIBundle));
      script.addEventListener('error', () => { swagger = null; reject(new Error('The API Console could not be loaded.')); });
      document.head.append(script);
    });
  }
  return swagger;
}

// The curl command shown beside an answer, as someone would run it outside the Console: with their
// own token in the header that every endpoint reads (the Console's session and CSRF token stay here).
function shellQuote(text) {
  return `'${String(text).replace(/'/g, "'\\''")}'`;
}

function curlWithToken(request) {
  const lines = [`curl -X ${request.get('method')} ${shellQuote(request.get('url'))}`,
    `-H ${shellQuote('X-WallarmApi-Token: <your token>')}`];
  const headers = request.get('headers');
  const entries = headers && headers.entrySeq ? headers.entrySeq().toArray() : Object.entries(headers || {});
  for (const [name, value] of entries) {
    if (!/^(x-csrf-token|cookie)$/i.test(name)) lines.push(`-H ${shellQuote(`${name}: ${value}`)}`);
  }
  let body = request.get('body');
  if (body !== undefined && body !== null && body !== '') {
    if (typeof body !== 'string') body = JSON.stringify(body.toJS ? body.toJS() : body);
    lines.push(`-d ${shellQuote(body)}`);
  }
  return lines.join(' \\\n  ');
}

const TOKEN_CURL = () => ({ fn: { requestSnippetGenerator_curl_token: curlWithToken } });

function sameOrigin(url) {
  try {
    return new URL(url, window.location.href).origin === window.location.origin;
  } catch (e) {
    return false;
  }
}

export async function apiConsoleView(main) {
  const host = h('div', { class: 'swagger-host', id: 'swagger-ui', 'data-testid': 'swagger' },
    h('div', { class: 'loading' }, 'Loading the API Console…'));
  main.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'API Console'),
      h('div', { class: 'actions' }, h('a', { class: 'btn', href: '/openapi.json', download: 'tokensmith-openapi.json' },
        'Download OpenAPI'))),
    h('p', { class: 'page-lead' }, 'Every endpoint of the Cloud API. “Try it out” runs as ', h('strong', {}, state.user.email),
      ' with your Console session on the client you work on: nothing to paste, and the changes are real.'),
    host);
  try {
    const SwaggerUIBundle = await loadSwagger();
    host.replaceChildren();
    SwaggerUIBundle({
      url: '/openapi.json',
      domNode: host,
      presets: [SwaggerUIBundle.presets.apis],
      plugins: [TOKEN_CURL],
      requestSnippetsEnabled: true,
      requestSnippets: {
        generators: { curl_token: { title: 'cURL with your token', syntax: 'bash' } },
        defaultExpanded: true,
        languages: ['curl_token'],
      },
      layout: 'BaseLayout',
      deepLinking: false,
      validatorUrl: null,
      displayRequestDuration: true,
      defaultModelsExpandDepth: 0,
      docExpansion: 'list',
      tryItOutEnabled: false,
      persistAuthorization: false,
      // Keeps the CSRF token off the screen: the generated curl shows the request as written.
      showMutatedRequest: false,
      requestInterceptor: (request) => {
        if (sameOrigin(request.url)) {
          request.credentials = 'same-origin';
          const token = csrf();
          if (token && request.method && !['GET', 'HEAD'].includes(request.method.toUpperCase())) {
            request.headers['X-CSRF-Token'] = token;
          }
        }
        return request;
      },
    });
  } catch (e) {
    host.replaceChildren(h('div', { class: 'alert error', role: 'alert' }, e.message));
  }
}
