// dwv imports "konva" as an ES module; the vendored konva.min.js is a UMD
// script the viewer page loads first (window.Konva). The page's import map
// points "konva" here.
export default window.Konva;
