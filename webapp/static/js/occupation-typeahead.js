// Progressive enhancement: occupation names (ESCO, bokmål and English, synonyms included) offered
// while typing in inputs marked data-occupation-typeahead, through a <datalist> filled from
// the JSON route named in this script's data-url. Without JavaScript the input is a plain text
// field. Loaded from this site only (CSP: script-src 'self'; connect-src 'self').
(function () {
  "use strict";

  var script = document.currentScript;
  var url = script && script.dataset.url;
  if (!url || !window.fetch) { return; }

  function enhance(input, index) {
    var list = document.createElement("datalist");
    list.id = (input.id || "occupation") + "-suggestions-" + index;
    input.parentNode.appendChild(list);
    input.setAttribute("list", list.id);
    var latest = 0;

    input.addEventListener("input", function () {
      var query = input.value.trim();
      var ticket = ++latest;
      if (query.length < 2) { list.replaceChildren(); return; }
      fetch(url + "?q=" + encodeURIComponent(query), {
        credentials: "same-origin",
        headers: { "Accept": "application/json" }
      })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (items) {
          if (ticket !== latest) { return; }  // an answer to an older query
          list.replaceChildren.apply(list, items.map(function (item) {
            var option = document.createElement("option");
            option.value = item.label;
            if (item.name && item.name !== item.label) { option.label = item.name; }
            return option;
          }));
        })
        .catch(function () { /* the field still works as plain text */ });
    });
  }

  document.querySelectorAll("input[data-occupation-typeahead]").forEach(enhance);
})();
