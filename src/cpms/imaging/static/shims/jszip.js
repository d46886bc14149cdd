// dwv imports "jszip"; jszip.min.js (loaded first) sets window.JSZip.
export default window.JSZip;
