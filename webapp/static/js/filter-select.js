// Progressive enhancement: a search box above long lists (<select data-filterable>), so a
// trade among sixty or a skill among a hundred and fifty is found by typing part of its name.
// Without JavaScript the plain list still works. Loaded from this site only (CSP: script-src 'self').
(function () {
  "use strict";

  function normalise(text) {
    return text.toLocaleLowerCase("nb").normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
  }

  function enhance(select) {
    var wrapper = document.createElement("div");
    wrapper.className = "ds-field app-filter-select";
    var label = document.createElement("label");
    label.className = "ds-label";
    label.htmlFor = select.id + "-filter";
    var own = document.querySelector('label[for="' + select.id + '"]');
    var name = own && own.firstChild ? own.firstChild.textContent.trim() : "";
    label.textContent = (select.dataset.filterLabel || "Søk i listen") + (name ? ": " + name : "");
    var input = document.createElement("input");
    input.type = "search";
    input.className = "ds-input";
    input.id = select.id + "-filter";
    input.setAttribute("aria-controls", select.id);
    input.autocomplete = "off";
    var status = document.createElement("p");
    status.className = "ds-sr-only";
    status.setAttribute("aria-live", "polite");
    wrapper.append(label, input, status);
    select.parentNode.insertBefore(wrapper, select);

    input.addEventListener("input", function () {
      var query = normalise(input.value.trim());
      var shown = 0;
      Array.prototype.forEach.call(select.options, function (option) {
        // Chosen options stay visible, so filtering never hides what is selected.
        var match = !query || option.selected || normalise(option.text).indexOf(query) !== -1;
        option.hidden = !match;
        if (match && option.value) { shown += 1; }
      });
      Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (group) {
        group.hidden = !Array.prototype.some.call(group.children, function (o) { return !o.hidden; });
      });
      status.textContent = (select.dataset.filterCount || "{n} treff").replace("{n}", shown);
    });
  }

  document.querySelectorAll("select[data-filterable]").forEach(enhance);
})();
