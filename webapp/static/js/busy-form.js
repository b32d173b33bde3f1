// A form whose work takes a while (a file of thousands of rows) says so once it is sent: a
// progress bar, how many rows the file holds and about how long the work takes, and a second
// press of a button does not send the file again. Without JavaScript the form works the same,
// only without the notice.
(function () {
  "use strict";
  var SECONDS_PER_1000_ROWS = 1.5; // bench/import.py: 10,000 rows checked and saved in ~12 s

  function countRows(file, done) {
    if (!file || !/\.csv$/i.test(file.name) || !file.text) return;
    file.text().then(function (text) {
      var lines = text.split(/\r\n|\r|\n/).filter(function (line) { return line.trim(); });
      done(Math.max(lines.length - 1, 0)); // the header is not a row
    });
  }

  document.querySelectorAll("form[data-busy]").forEach(function (form) {
    var status = document.getElementById(form.getAttribute("data-busy"));
    if (!status) return;
    form.addEventListener("submit", function (event) {
      if (form.hasAttribute("data-sent")) {
        event.preventDefault();
        return;
      }
      form.setAttribute("data-sent", "");
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        button.setAttribute("aria-disabled", "true");
      });
      status.hidden = false;
      var input = form.querySelector("input[type=file]");
      countRows(input && input.files[0], function (rows) {
        var seconds = Math.max(1, Math.round((rows / 1000) * SECONDS_PER_1000_ROWS));
        status.querySelector("[data-rows]").textContent = status
          .getAttribute("data-rows-text")
          .replace("{rows}", rows.toLocaleString(document.documentElement.lang))
          .replace("{seconds}", seconds);
      });
    });
  });
})();
