// Cascading region selects: each select with data-region-child="<id>" refills that child
// from /reference/regions/<code>/children when it changes.
(function () {
  "use strict";
  function clear(select) {
    var blank = select.options[0];
    select.innerHTML = "";
    select.appendChild(blank);
    select.value = "";
  }
  function refill(parent) {
    var child = document.getElementById(parent.dataset.regionChild);
    if (!child) { return; }
    clear(child);
    if (child.dataset.regionChild) {
      clear(document.getElementById(child.dataset.regionChild));
    }
    if (!parent.value) { return; }
    fetch(parent.dataset.regionUrl.replace("000000", parent.value), {headers: {Accept: "application/json"}})
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (rows) {
        rows.forEach(function (row) {
          var option = document.createElement("option");
          option.value = row.code;
          option.textContent = row.name;
          child.appendChild(option);
        });
        child.disabled = rows.length === 0;
      });
  }
  document.querySelectorAll("select[data-region-child]").forEach(function (select) {
    select.addEventListener("change", function () { refill(select); });
  });
})();
