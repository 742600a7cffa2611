// Renders /openapi.json with Swagger UI: "Try it out" on every operation, and the Authorize
// button for the bearer token (kept by Swagger UI in memory only: persistAuthorization is off, so
// a reload forgets it). No inline script: the server's Content-Security-Policy forbids it.
'use strict';
window.addEventListener('DOMContentLoaded', () => {
  const root = document.getElementById('swagger-ui');
  if (typeof window.SwaggerUIBundle !== 'function') {
    root.textContent = 'Swagger UI could not be loaded (/vendor/swagger-ui/swagger-ui-bundle.js).';
    return;
  }
  window.ui = window.SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    tryItOutEnabled: false,
    persistAuthorization: false,
    displayRequestDuration: true,
    validatorUrl: null,           // never send the description to validator.swagger.io
    withCredentials: false,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
});
