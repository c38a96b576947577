// The results page's filters are a <details> disclosure, closed in the HTML so that a phone shows the
// results first with "Filter" at their top (it works without this script). On a wide screen there is
// room beside the results: open it there, once, when the page loads.
(function () {
  "use strict";
  var wide = window.matchMedia("(min-width: 48.01rem)");
  document.querySelectorAll("details[data-open-wide]").forEach(function (details) {
    if (wide.matches) { details.open = true; }
  });
})();
