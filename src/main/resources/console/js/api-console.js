// The API Console: the OpenAPI document rendered by swagger-ui (bundled in the jar), inside the
// Console so that "Try it out" runs with the Console session: the browser sends the HttpOnly
// cookie, and the interceptor adds the in-memory CSRF token, to this origin only.
import { h } from './dom.js';
import { csrf } from './api.js';
import { state } from './session.js';

let swagger = null;

function loadSwagger() {
  if (!swagger) {
    swagger = new Promise((resolve, reject) => {
      document.head.append(h('link', { rel: 'stylesheet', href: '/console/swagger-ui/swagger-ui.css' }));
      const script = h('script', { src: '/console/swagger-ui/swagger-ui-bundle.js' });
      script.addEventListener('load', () => resolve(window.SwaggerUIBundle));
      script.addEventListener('error', () => { swagger = null; reject(new Error('The API Console could not be loaded.')); });
      document.head.append(script);
    });
  }
  return swagger;
}

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
