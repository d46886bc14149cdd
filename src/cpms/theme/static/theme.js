/* Names for the controls Plone's widgets leave without one.
 *
 * The tag widget (pat-select2, used for coded fields and keywords) gives
 * each chosen tag a remove link with no text: a screen reader announces a
 * bare "link" (axe-core: link-name). Each gets "Remove <tag>", also for tags
 * added after the page loaded.
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

  function start() {
    nameRemoveLinks(document);
    new MutationObserver(function () {
      nameRemoveLinks(document);
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
