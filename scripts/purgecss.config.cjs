// PurgeCSS settings for scripts/vendor_static.sh: keep only the Bootstrap rules whose class
// names appear in our templates, Python code (flash categories, badges) or JavaScript.
const path = require("path");
const root = path.resolve(__dirname, "..");

module.exports = {
  css: [process.env.BOOTSTRAP_CSS],
  content: [
    path.join(root, "templates/**/*.html"),
    path.join(root, "harkat/**/*.py"),
    path.join(root, "harkat/static/*.js"),
  ],
  // Drop custom properties nothing reads and @font-face/@keyframes nothing uses.
  variables: true,
  fontFace: true,
  keyframes: true,
  safelist: {
    // Built from parts in templates: alert-{{ colour }}, text-bg-{{ method colour }}.
    standard: [
      /^alert-(primary|secondary|success|danger|warning|info|light|dark)$/,
      /^text-bg-(primary|secondary|success|danger|warning|info|light|dark)$/,
    ],
  },
};
