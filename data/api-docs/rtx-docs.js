// SPDX-License-Identifier: GPL-3.0-or-later
// Starts Swagger UI over the runtime's own document. Everything it needs is served by the
// runtime from its binary, and the page's Content-Security-Policy forbids anything else.
'use strict';

(function () {
  // The surfaces of DESIGN.md §1, in the order the reference lists them.
  const surfaces = ['Standard', 'OpenAI-compatible', 'SDK / local apps', 'Public'];

  function rank (tag) {
    const index = surfaces.indexOf(tag);
    return index < 0 ? surfaces.length : index;
  }

  window.ui = SwaggerUIBundle({
    url: '/api/docs/openapi.json',
    dom_id: '#swagger-ui',
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
    // No validator badge: it would send the document to a server on the internet.
    validatorUrl: null,
    // The document is ours alone: ?url= and ?configUrl= are not read.
    queryConfigEnabled: false,
    tagsSorter: (a, b) => rank(a) - rank(b) || a.localeCompare(b),
    persistAuthorization: true,
    displayRequestDuration: true,
    deepLinking: true,
  });
})();
