// dwv imports "magic-wand-tool"; magic-wand.min.js (loaded first) sets
// window.MagicWand.
export default window.MagicWand;
