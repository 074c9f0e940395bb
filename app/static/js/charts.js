// Draw every <canvas data-chart="{Chart.js config}"> (config rendered server-side as JSON,
// so no inline script is needed and the Content-Security-Policy stays strict).
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var config = JSON.parse(canvas.dataset.chart);
    config.options = Object.assign({responsive: true, animation: false}, config.options || {});
    new Chart(canvas, config);
  });
})();
