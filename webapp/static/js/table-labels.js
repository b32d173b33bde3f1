// On a phone a table's rows stack (app.css): each cell then shows its column's heading before
// it, read from the table's header row. Without JavaScript the cells stack without the labels.
(function () {
  "use strict";
  function label(table) {
    var heads = table.querySelectorAll("thead th");
    if (!heads.length) return;
    table.querySelectorAll("tbody tr").forEach(function (row) {
      Array.prototype.forEach.call(row.children, function (cell, i) {
        var text = heads[i] && heads[i].textContent.trim();
        if (text && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", text);
      });
    });
  }
  document.querySelectorAll("table.app-table").forEach(label);
})();
