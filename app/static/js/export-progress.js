// A background export's page: polls its status while it waits or runs, moves the progress
// bar, and reloads the page once the job is over (the download link, or the error).
(function () {
  "use strict";
  var card = document.getElementById("export-job");
  if (!card || !card.dataset.statusUrl) { return; }
  var bar = card.querySelector("[data-export-bar]");
  var rows = card.querySelector("[data-export-rows]");
  var status = card.querySelector("[data-export-status]");
  function poll() {
    fetch(card.dataset.statusUrl, {headers: {Accept: "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (job) {
        if (!job) { return; }
        if (!job.active) { window.location.reload(); return; }
        status.textContent = job.title;
        if (bar) {
          bar.setAttribute("aria-valuenow", job.percent);
          bar.firstElementChild.style.width = job.percent + "%";
        }
        if (rows && job.rows_total) {
          rows.textContent = job.rows_text;
        }
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
