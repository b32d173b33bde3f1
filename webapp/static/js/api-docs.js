// The browsable API description: Swagger UI (vendored by bin/setup) on /api/v1/openapi.json.
// A file of its own, not an inline script, so the Content-Security-Policy stays strict.
document.addEventListener("DOMContentLoaded", function () {
  var node = document.getElementById("swagger-ui");
  if (!node || !window.SwaggerUIBundle) {
    return;
  }
  window.SwaggerUIBundle({
    url: node.dataset.specUrl,
    domNode: node,
    deepLinking: false,
    tryItOutEnabled: false,
  });
});
