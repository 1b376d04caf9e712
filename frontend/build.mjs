// Bundle src/editor.js into the Django static file the candidate page loads.
// Deterministic: same lock file + same source -> byte-identical bundle.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const outfile = fileURLToPath(new URL("../assessments/static/candidate/editor.bundle.js", import.meta.url));

await build({
  entryPoints: [fileURLToPath(new URL("src/editor.js", import.meta.url))],
  outfile,
  bundle: true,
  format: "iife",
  minify: true,
  target: ["es2020"],
  legalComments: "eof",
  logLevel: "info",
  banner: { js: "/* Loopwright candidate editor: CodeMirror 6 (MIT). Built by scripts/build-frontend; do not edit. */" },
});
