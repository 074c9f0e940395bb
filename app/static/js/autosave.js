// Keep unsaved answers of a questionnaire page in this browser, so that nothing is lost when
// the session times out or the page is left before saving. A stored copy is restored only
// while the server's draft is unchanged since it was taken (same data-version): after a save,
// the server's answers win and the copy is discarded.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave-key]");
  if (!form || !window.localStorage) { return; }
  var key = "certpath:" + form.dataset.autosaveKey;
  var version = form.dataset.version;

  function snapshot() {
    var values = {};
    new FormData(form).forEach(function (value, name) {
      if (name === "csrf_token" || name === "move") { return; }
      (values[name] = values[name] || []).push(value);
    });
    return values;
  }

  function restore(values) {
    var restored = false;
    Object.keys(values).forEach(function (name) {
      form.querySelectorAll("[name='" + CSS.escape(name) + "']").forEach(function (field) {
        if (field.type === "checkbox" || field.type === "radio") {
          var want = values[name].indexOf(field.value) !== -1;
          if (field.checked !== want) { field.checked = want; restored = true; }
        } else if (field.value !== values[name][0]) {
          field.value = values[name][0];
          restored = true;
        }
      });
    });
    return restored;
  }

  try {
    var saved = JSON.parse(localStorage.getItem(key) || "null");
    if (saved && saved.version === version && restore(saved.values)) {
      var note = document.getElementById("autosave-note");
      if (note) { note.hidden = false; }
    } else if (saved) {
      localStorage.removeItem(key);
    }
  } catch (e) { localStorage.removeItem(key); }

  form.addEventListener("input", function () {
    localStorage.setItem(key, JSON.stringify({version: version, values: snapshot()}));
  });
})();
