// The interactive API documentation: Swagger UI, served from this app, reading the document
// in the page's language.
(function () {
  "use strict";
  var target = document.getElementById("swagger-ui");
  if (!target || typeof SwaggerUIBundle === "undefined") {
    return;
  }
  SwaggerUIBundle({
    url: target.dataset.spec,
    domNode: target,
    deepLinking: true,
    docExpansion: "list",
    defaultModelsExpandDepth: 0,
    tryItOutEnabled: false,
    requestInterceptor: function (request) {
      request.headers["Accept-Language"] = target.dataset.lang;
      return request;
    },
  });
})();
