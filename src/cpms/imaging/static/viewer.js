// The DICOM series viewer of a case (dwv, vendored in ./dwv/).
//
// One layer group shows the series; the toolbar's buttons and the keys
// listed on the page (KEYS in browser/views.py) drive it: the mouse tools
// (scroll, window/level, zoom and pan, length measurement) are dwv's own,
// the buttons and keys call dwv's view API. Rotation and flips turn the
// displayed view by CSS (see transformView).
import * as dwv from "./dwv/dwv.min.js";

const root = document.getElementById("cpms-dicom-viewer");
// The focusable frame (keys) and, inside it, dwv's layer group.
const stage = document.getElementById("cpms-dicom-stage");
const layers = document.getElementById("cpms-dicom-layers");
const status = document.getElementById("cpms-dicom-status");
const urls = JSON.parse(root.dataset.urls);
const app = new dwv.App();
// For the browser tests and the console.
window.cpmsDicomViewer = app;
const TOOL_LABELS = {
  Scroll: "scroll",
  WindowLevel: "window/level",
  ZoomAndPan: "zoom and pan",
  Draw: "measure length",
};
let rotation = 0;
let tool = "Scroll";

const options = new dwv.AppOptions({
  "*": [new dwv.ViewConfig("cpms-dicom-layers")],
});
options.tools = {
  Scroll: new dwv.ToolConfig(),
  WindowLevel: new dwv.ToolConfig(),
  ZoomAndPan: new dwv.ToolConfig(),
  Draw: new dwv.ToolConfig(["Ruler"]),
};
// Keys act while the image frame has the focus. In the capture phase,
// before dwv's own key handling (app.init) sees them.
window.addEventListener(
  "keydown",
  (event) => {
    if (!stage.contains(document.activeElement) || root.dataset.state !== "ready") {
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    const table = event.shiftKey && SHIFT_KEYS[event.key] ? SHIFT_KEYS : KEYS;
    const action = table[event.key] || table[event.key.toLowerCase()];
    if (action) {
      event.preventDefault();
      event.stopPropagation();
      action();
    }
  },
  true,
);
app.init(options);

function group() {
  return app.getLayerGroupByDivId("cpms-dicom-layers");
}

function say(text) {
  status.textContent = text;
}

function sliceText() {
  const helper = group()?.getPositionHelper();
  if (!helper) {
    return "";
  }
  const controller = group().getActiveViewLayer().getViewController();
  const index = controller.getCurrentIndex().get(2) + 1;
  return `Image ${index} of ${urls.length}`;
}

function describe() {
  const controller = group()?.getActiveViewLayer()?.getViewController();
  if (!controller) {
    return;
  }
  const wl = controller.getWindowLevel();
  root.dataset.index = String(controller.getCurrentIndex().get(2));
  say(
    `${sliceText()}. Window ${Math.round(wl.width)}, level ` +
      `${Math.round(wl.center)}. Tool: ${TOOL_LABELS[tool]}.`,
  );
}

function setTool(name) {
  tool = name;
  app.setTool(name);
  if (name === "Draw") {
    app.setToolFeatures({ shapeName: "Ruler" });
  }
  for (const button of root.querySelectorAll("[data-tool]")) {
    button.setAttribute("aria-pressed", String(button.dataset.tool === name));
  }
  describe();
}

function scroll(step) {
  const helper = group().getPositionHelper();
  if (step > 0) {
    helper.incrementPositionAlongScroll();
  } else {
    helper.decrementPositionAlongScroll();
  }
  describe();
}

function scrollTo(end) {
  for (let i = 0; i < urls.length; i++) {
    scroll(end ? 1 : -1);
  }
}

function zoom(step) {
  const layer = group();
  const div = layers.getBoundingClientRect();
  const base = layer.getActiveViewLayer();
  const planePos = base.displayToPlanePos(new dwv.Point2D(div.width / 2, div.height / 2));
  const centre = base.getViewController().getPlanePositionFromPlanePoint(planePos);
  layer.addScale(step, centre);
  layer.draw();
  describe();
}

function windowLevel(dCentre, dWidth) {
  const controller = group().getActiveViewLayer().getViewController();
  const wl = controller.getWindowLevel();
  controller.setWindowLevel(
    new dwv.WindowLevel(wl.center + dCentre, Math.max(1, wl.width + dWidth)),
  );
  describe();
}

// Flips and rotation turn the displayed view (CSS transforms of the layer
// group; dwv 0.36 has no in-plane rotation, and its flipScale of a view
// layer left the 2D picture as it was). Mouse tools still work: the
// browser maps pointer offsets through the transform.
let flipX = 1;
let flipY = 1;

function transformView() {
  const parts = [];
  if (rotation) {
    parts.push(`rotate(${rotation}deg)`);
  }
  if (flipX !== 1 || flipY !== 1) {
    parts.push(`scale(${flipX}, ${flipY})`);
  }
  layers.style.transform = parts.join(" ");
  root.dataset.rotation = String(rotation);
  root.dataset.flip = `${flipX},${flipY}`;
}

function flip(axis) {
  if (axis === "x") {
    flipX = -flipX;
  } else {
    flipY = -flipY;
  }
  transformView();
  describe();
}

function rotate() {
  rotation = (rotation + 90) % 360;
  transformView();
  describe();
}

function reset() {
  rotation = 0;
  flipX = 1;
  flipY = 1;
  transformView();
  app.resetDisplay();
  describe();
}

const ACTIONS = {
  "zoom-in": () => zoom(0.25),
  "zoom-out": () => zoom(-0.2),
  "wl-up": () => windowLevel(0, 50),
  "wl-down": () => windowLevel(0, -50),
  "level-up": () => windowLevel(20, 0),
  "level-down": () => windowLevel(-20, 0),
  "previous": () => scroll(-1),
  "next": () => scroll(1),
  "flip-h": () => flip("x"),
  "flip-v": () => flip("y"),
  "rotate": rotate,
  "reset": reset,
};

root.addEventListener("click", (event) => {
  const button = event.target.closest("button");
  if (!button || button.disabled) {
    return;
  }
  if (button.dataset.tool) {
    setTool(button.dataset.tool);
  } else if (ACTIONS[button.dataset.action]) {
    ACTIONS[button.dataset.action]();
  }
});

const KEYS = {
  ArrowUp: () => scroll(-1),
  PageUp: () => scroll(-1),
  ArrowDown: () => scroll(1),
  PageDown: () => scroll(1),
  Home: () => scrollTo(false),
  End: () => scrollTo(true),
  "+": () => zoom(0.25),
  "=": () => zoom(0.25),
  "-": () => zoom(-0.2),
  w: () => setTool("WindowLevel"),
  z: () => setTool("ZoomAndPan"),
  m: () => setTool("Draw"),
  s: () => setTool("Scroll"),
  h: () => flip("x"),
  v: () => flip("y"),
  r: rotate,
  0: reset,
};
const SHIFT_KEYS = {
  ArrowUp: () => windowLevel(20, 0),
  ArrowDown: () => windowLevel(-20, 0),
  ArrowRight: () => windowLevel(0, 50),
  ArrowLeft: () => windowLevel(0, -50),
};


app.addEventListener("load", () => {
  root.dataset.state = "ready";
  for (const button of root.querySelectorAll("button")) {
    button.disabled = false;
  }
  setTool("Scroll");
  // dwv stays on the image that arrived first: start at the first one.
  scrollTo(false);
});
app.addEventListener("error", (event) => {
  root.dataset.state = "error";
  say(`The images could not be shown (${event.error?.message || "load error"}).`);
});
app.addEventListener("positionchange", () => describe());
app.addEventListener("wlchange", () => describe());
window.addEventListener("resize", () => app.onResize());

say(`Loading ${urls.length} images…`);
app.loadURLs(urls);
