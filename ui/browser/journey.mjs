// What every browser test shares: Debian's Chromium through playwright-core, axe's WCAG 2.2 AA
// rules on a page as it stands (with JavaScript or without), and the dev sign-in by clicking.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { appendFileSync, existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import axeCore from "axe-core";

export const base = process.env.CATALYST_URL;
if (!base) throw new Error("set CATALYST_URL to a running catalyst dev");

// launch starts the machine's Chromium; no browser is downloaded. Debian's headless shell
// (chromium-headless-shell) is preferred where installed: the same engine without the full
// browser's machinery, it took a quarter less CPU over the whole run (600 s to 446 s on two
// cores), and these tests are bound by CPU.
const shell = "/usr/bin/chromium-headless-shell";
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || (existsSync(shell) ? shell : "/usr/bin/chromium"),
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

// accessible runs axe on the page as it stands. axe needs JavaScript, so for a page opened
// without it, the same HTML is shown again in a page that may run axe but not Catalyst's own
// script: what is checked is the markup a person without JavaScript gets.
export async function accessible(browser, page, name, javaScript) {
  if (!(await firstTime(page, javaScript))) return;
  if (javaScript === false) {
    const html = await page.content();
    const url = page.url();
    const copy = await checkerFor(browser);
    const serve = (r) => r.fulfill({ body: html, contentType: "text/html; charset=utf-8" });
    await copy.route(url, serve);
    try {
      await copy.goto(url);
      await axe(copy, name);
    } finally {
      await copy.unroute(url, serve);
      await copy.goto("about:blank"); // so the next copy is loaded afresh, even at this URL
    }
    return;
  }
  await axe(page, name);
}

// firstTime says whether this state of a page (its DOM as it stands, with or without
// JavaScript) is new to this run: axe's verdict on the same markup is the same, so each distinct
// state is checked once, however many journeys reach it. The states seen are kept as files in
// CATALYST_AXE_SEEN, shared by every test file of one run; a CSRF token is not part of a state.
const seen = new Set();
async function firstTime(page, javaScript) {
  const html = (await page.content()).replace(/(name="csrf_token" value=")[^"]*"/g, "$1\"");
  const key = createHash("sha256").update(`${javaScript !== false}\n${html}`).digest("hex");
  const dir = process.env.CATALYST_AXE_SEEN;
  if (dir) appendFileSync(join(dir, "checks"), key + "\n");
  if (seen.has(key) || (dir && existsSync(join(dir, key)))) return false;
  seen.add(key);
  if (dir) writeFileSync(join(dir, key), "");
  return true;
}

// axe runs axe-core in the page itself. (@axe-core/playwright's analyze() opens a new page for
// every check to finish its run in: that took most of each check's second, the rules a tenth.)
const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
async function axe(page, name) {
  // A journey waits for what it reads, which can be in the page before its stylesheet is: judged
  // unstyled, every link is too small a target. axe judges the page as a person sees it, loaded.
  await page.waitForLoadState("load");
  if (!(await page.evaluate(() => typeof window.axe === "object"))) await page.evaluate(axeCore.source);
  const result = await page.evaluate((values) => window.axe.run(document, { runOnly: { type: "tag", values } }), tags);
  const problems = result.violations.map((v) =>
    `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(" ")).join("\n    ")}`);
  assert.deepEqual(problems, [], `${name} has accessibility violations:\n${problems.join("\n")}`);
  assert.ok(result.passes.length > 10, `${name}: axe ran too few checks (${result.passes.length})`);
}

// checkerFor gives the page a browser's copies are checked in: one per browser, kept, since
// opening a context and a page for every check took most of a second each time. Its context
// holds no cookies, and Catalyst's own script is never run in it.
const checkers = new WeakMap();
function checkerFor(browser) {
  if (!checkers.has(browser)) {
    checkers.set(browser, (async () => {
      const copy = await (await browser.newContext()).newPage();
      await copy.route("**/assets/init.js", (r) => r.fulfill({ body: "", contentType: "text/javascript" }));
      return copy;
    })());
  }
  return checkers.get(browser);
}

// signIn signs in as a demo person with one click on the dev sign-in page.
export async function signIn(page, name) {
  await page.goto(base + "/sign-in");
  await page.getByRole("button", { name: `Sign in as ${name}` }).click();
  await page.waitForURL(/\/challenges$/);
}
