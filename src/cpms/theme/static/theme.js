/* Small repairs to Plone's pages, for every page of the portal.
 *
 * - Names for the controls Plone's widgets leave without one: the tag
 *   widget (pat-select2, used for coded fields and keywords) gives each
 *   chosen tag a remove link with no text, which a screen reader announces
 *   as a bare "link" (axe-core: link-name). Each gets "Remove <tag>", also
 *   for tags added after the page loaded.
 * - The rich text editor (TinyMCE, for network staff): a toolbar button
 *   whose name does not contain its visible text is named by that text
 *   (axe-core: label-content-name-mismatch), its resize handle gets the
 *   value a separator must have (aria-required-attr), and the related-items
 *   path's home link a name.
 * - Labels for form controls Plone's widgets render beside their field's
 *   label rather than for it (the file upload, the two lists of the
 *   ordered-selection widget, a rich text field's format and its editing
 *   frame): each is named after its field (axe-core: label, select-name,
 *   frame-title).
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

  function repairEditor(root) {
    root.querySelectorAll(".tox-tbtn[aria-label]").forEach(function (button) {
      var label = button.querySelector(".tox-tbtn__select-label");
      var text = label ? label.textContent.trim() : "";
      if (text && button.getAttribute("aria-label").indexOf(text) === -1) {
        button.setAttribute("aria-label", text);
      }
    });
    root
      .querySelectorAll(".tox-statusbar__resize-handle:not([aria-valuenow])")
      .forEach(function (handle) {
        var height = /(\d+)/.exec(handle.getAttribute("aria-valuetext") || "");
        handle.setAttribute("aria-valuenow", height ? height[1] : "0");
      });
    root.querySelectorAll("a.crumb:not([aria-label])").forEach(function (crumb) {
      if (!crumb.textContent.trim()) {
        crumb.setAttribute("aria-label", "Site root");
      }
    });
  }

  function fieldLabel(control) {
    var field = control.closest(".field");
    var label = field && field.querySelector("label");
    return label ? label.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function labelUnnamedControls(root) {
    var controls = root.querySelectorAll(
      "#content input:not([type=hidden]):not([type=submit]):not([type=button]), " +
        "#content select, #content textarea"
    );
    controls.forEach(function (control) {
      if (
        (control.labels && control.labels.length) ||
        control.hasAttribute("aria-label") ||
        control.hasAttribute("aria-labelledby")
      ) {
        return;
      }
      var name = fieldLabel(control);
      if (!name) {
        return;
      }
      if (/-from$/.test(control.id)) {
        name += ": to choose from";
      } else if (/-to$/.test(control.id)) {
        name += ": chosen";
      } else if (/_text_format$/.test(control.id)) {
        name += ": text format";
      }
      control.setAttribute("aria-label", name);
    });
    root.querySelectorAll("#content .field iframe:not([title])").forEach(function (frame) {
      var name = fieldLabel(frame);
      if (name) {
        frame.setAttribute("title", name + " (rich text)");
      }
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
    repairEditor(document);
    labelUnnamedControls(document);
    labelTableCells(document);
    new MutationObserver(function () {
      nameRemoveLinks(document);
      repairEditor(document);
      labelUnnamedControls(document);
      labelTableCells(document);
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
