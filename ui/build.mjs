// Builds ui/static from the pinned govuk-frontend package: the stylesheet (with the font set as
// the deployment may use it), the JavaScript, and the images and manifest the CSS refers to.
//   node build.mjs                  Arial (the default: GDS Transport is licensed for service.gov.uk only)
//   node build.mjs --gds-transport  GDS Transport, with its font files, for service.gov.uk deployments
import * as sass from "sass";
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const gds = process.argv.includes("--gds-transport");
const out = join(here, "static");
const pkg = join(here, "node_modules", "govuk-frontend", "dist", "govuk");

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const settings = gds
  ? `$govuk-assets-path: "/assets/"`
  : `$govuk-font-family: (arial, sans-serif), $govuk-include-default-font-face: false, $govuk-assets-path: "/assets/"`;
const entry = `@use "govuk-frontend/dist/govuk" with (${settings});\n@use "app";\n`;
const css = sass.compileString(entry, {
  loadPaths: [join(here, "node_modules"), join(here, "scss")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(join(out, "catalyst.css"), css.css);

cpSync(join(pkg, "govuk-frontend.min.js"), join(out, "govuk-frontend.min.js"));
cpSync(join(here, "js", "init.js"), join(out, "init.js"));
cpSync(join(pkg, "assets", "images"), join(out, "images"), { recursive: true });
cpSync(join(pkg, "assets", "manifest.json"), join(out, "manifest.json"));
if (gds) {
  cpSync(join(pkg, "assets", "fonts"), join(out, "fonts"), { recursive: true });
}
console.log(`built ui/static (${gds ? "GDS Transport" : "Arial"})`);
