/* The slide page: OpenSeadragon on the Deep Zoom image of the file, with
   buttons and keys instead of OpenSeadragon's icon buttons (plain buttons
   with text, reachable by keyboard and read by screen readers). */
(function () {
  "use strict";
  var root = document.getElementById("cpms-slide");
  if (!root || !window.OpenSeadragon) { return; }
  var status = document.getElementById("cpms-slide-status");
  var stage = document.getElementById("cpms-slide-stage");
  function say(text) { status.textContent = text; }

  var viewer = window.OpenSeadragon({
    element: stage,
    tileSources: root.getAttribute("data-dzi"),
    // The 2D canvas drawer: works without WebGL and can be read back.
    drawer: "canvas",
    showNavigationControl: false,
    showNavigator: true,
    navigatorPosition: "BOTTOM_RIGHT",
    crossOriginPolicy: false,
    loadTilesWithAjax: true,
    ajaxWithCredentials: true,
    maxZoomPixelRatio: 2,
    visibilityRatio: 0.5,
    gestureSettingsMouse: { clickToZoom: false, dblClickToZoom: true },
    keyboardNavEnabled: false
  });
  window.cpmsSlideViewer = viewer;

  function percent() {
    var zoom = viewer.viewport.viewportToImageZoom(viewer.viewport.getZoom(true));
    return Math.round(zoom * 100);
  }
  viewer.addHandler("open", function () {
    root.setAttribute("data-state", "ready");
    say("Slide loaded. Whole slide shown.");
  });
  viewer.addHandler("open-failed", function () {
    root.setAttribute("data-state", "failed");
    say("The slide could not be opened. Download the file instead.");
  });
  viewer.addHandler("animation-finish", function () {
    root.setAttribute("data-zoom", String(viewer.viewport.getZoom(true)));
    say("Zoom " + percent() + "% of full resolution.");
  });
  viewer.addHandler("full-screen", function (event) {
    var button = root.querySelector("[data-action=full]");
    button.setAttribute("aria-pressed", event.fullScreen ? "true" : "false");
  });

  function act(action) {
    var viewport = viewer.viewport;
    if (action === "zoom-in") { viewport.zoomBy(1.5); }
    else if (action === "zoom-out") { viewport.zoomBy(1 / 1.5); }
    else if (action === "home") { viewport.goHome(); }
    else if (action === "rotate") { viewport.setRotation((viewport.getRotation() + 90) % 360); }
    else if (action === "full") { viewer.setFullScreen(!viewer.isFullPage()); }
    viewport.applyConstraints();
  }
  root.querySelectorAll("[data-action]").forEach(function (button) {
    button.addEventListener("click", function () { act(button.getAttribute("data-action")); });
  });
  var PAN = 0.1;
  stage.addEventListener("keydown", function (event) {
    var viewport = viewer.viewport;
    var step = PAN / viewport.getZoom(true);
    var moves = {
      ArrowLeft: [-step, 0], a: [-step, 0], ArrowRight: [step, 0], d: [step, 0],
      ArrowUp: [0, -step], w: [0, -step], ArrowDown: [0, step], s: [0, step]
    };
    var key = event.key;
    if (moves[key]) {
      viewport.panBy(new window.OpenSeadragon.Point(moves[key][0], moves[key][1]));
    } else if (key === "+" || key === "=") { act("zoom-in"); }
    else if (key === "-") { act("zoom-out"); }
    else if (key === "0") { act("home"); }
    else if (key === "r" || key === "R") { act("rotate"); }
    else if (key === "f" || key === "F") { act("full"); }
    else { return; }
    event.preventDefault();
    viewport.applyConstraints();
  });
}());
