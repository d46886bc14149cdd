/* Small repairs to Plone's pages, for every page of the portal.
 *
 * - Names for the controls Plone's widgets leave without one: the tag
 *   widget (pat-select2, used for coded fields and keywords) gives each
 *   chosen tag a remove link with no text, which a screen reader announces
 *   as a bare "link" (axe-core: link-name). Each gets "Remove <tag>", also
 *   for tags added after the page loaded.
 * - Tables that fit a phone: each cell of a table with column headers gets
 *   its header as ``data-label``, so that theme.css can stack the rows on a
 *   narrow screen, each value after its header's name. The ARIA roles keep
 *   the table a table for screen readers once its rows are stacked.
 */
(function () {
  "use strict";

  function nameRemoveLinks(root) {
    root
      .querySelectorAll(".select2-search-choice-close:not([aria-label])")
      .forEach(function (link) {
        var choice = link.closest(".select2-search-choice");
        var text = choice ? choice.textContent.trim() : "";
        link.setAttribute("aria-label", text ? "Remove " + text : "Remove");
      });
  }

  function labelTableCells(root) {
    root.querySelectorAll("#content table:not(.cpms-stack)").forEach(function (table) {
      var heads = table.querySelectorAll("thead th");
      if (!heads.length || !table.tBodies.length) {
        return;
      }
      var names = Array.prototype.map.call(heads, function (th) {
        return th.textContent.trim();
      });
      table.setAttribute("role", "table");
      table.querySelectorAll("tr").forEach(function (row) {
        row.setAttribute("role", "row");
        Array.prototype.forEach.call(row.cells, function (cell, index) {
          if (cell.closest("thead")) {
            cell.setAttribute("role", "columnheader");
          } else {
            cell.setAttribute("role", cell.tagName === "TH" ? "rowheader" : "cell");
            if (names[index]) {
              cell.setAttribute("data-label", names[index]);
            }
          }
        });
      });
      Array.prototype.forEach.call(table.querySelectorAll("thead, tbody, tfoot"), function (group) {
        group.setAttribute("role", "rowgroup");
      });
      table.classList.add("cpms-stack");
    });
  }

  function start() {
    nameRemoveLinks(document);
    labelTableCells(document);
    new MutationObserver(function () {
      nameRemoveLinks(document);
      labelTableCells(document);
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
