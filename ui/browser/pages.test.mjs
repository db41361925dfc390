// Browser test: Debian's Chromium, driven by playwright-core (no browser download), against a
// running `catalyst dev` at CATALYST_URL. Every page must pass axe's WCAG 2.2 AA rules.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { accessible as check, base, launch } from "./journey.mjs";

let browser, context;

before(async () => {
  browser = await launch();
  context = await browser.newContext();
});

after(async () => {
  await browser?.close();
});

const accessible = (page, name) => check(browser, page, name);

test("the start page explains the service and passes axe", async () => {
  const page = await context.newPage();
  const resp = await page.goto(base + "/");
  assert.equal(resp.status(), 200);
  await page.getByRole("heading", { level: 1 }).waitFor();
  assert.match(await page.title(), /Catalyst/);
  assert.ok(await page.getByRole("button", { name: /See the challenges/ }).isVisible());
  // GOV.UK Frontend's JavaScript ran (no inline scripts: the CSP forbids them).
  await page.waitForFunction(() => document.body.classList.contains("govuk-frontend-supported"), null, { timeout: 5000 });
  await accessible(page, "start page");
});

test("anonymous visitors see only published challenges", async () => {
  const page = await context.newPage();
  await page.goto(base + "/challenges");
  const rows = page.locator("tbody tr");
  assert.ok((await rows.count()) >= 6, "the published demo challenges are listed");
  assert.equal(await page.getByText("Draft", { exact: true }).count(), 0, "no draft is shown to the public");
  assert.ok(await page.getByText("Phase 1 competition", { exact: true }).first().isVisible());
  await accessible(page, "challenge list, anonymous");
  const audit = await page.goto(base + "/audit");
  assert.equal(audit.status(), 401, "the audit trail needs a sign-in");
});

test("a demo person signs in with one click, and the sign-in page passes axe", async () => {
  const page = await context.newPage();
  await page.goto(base + "/sign-in");
  await accessible(page, "sign-in page");
  await page.getByRole("button", { name: "Sign in as Priya Shah" }).click();
  await page.waitForURL(/\/challenges$/);
  assert.ok(await page.getByRole("button", { name: /Sign out Priya Shah/ }).isVisible());
});

test("signed in, the programme team sees every stage, and the list passes axe", async () => {
  const page = await context.newPage();
  await page.goto(base + "/challenges");
  const rows = page.locator("tbody tr");
  assert.ok((await rows.count()) >= 12, "every demo challenge is listed");
  for (const stage of ["Draft", "Phase 1 competition", "Phase 2 contracts and final gate", "Complete", "Closed"]) {
    assert.ok(await page.getByText(stage, { exact: true }).first().isVisible(), `stage ${stage} is shown`);
  }
  await accessible(page, "challenge list, signed in");
});

test("the programme's work lists what needs it now, each leading to the page that offers it, and passes axe", async () => {
  const page = await context.newPage();
  await page.goto(base + "/challenges");
  await page.getByRole("link", { name: "Your work" }).click();
  await page.getByRole("heading", { name: "Your work" }).waitFor();
  const items = page.locator(".govuk-task-list__item a");
  assert.ok((await items.count()) >= 1, "the demo gives the programme something to do");
  await accessible(page, "your work");
  const first = items.first();
  const what = (await first.innerText()).split(":")[0].trim();
  await first.click();
  // The record's page has the place the item names, and does not refuse what it asks.
  await page.getByRole("heading", { level: 1 }).waitFor();
  const place = new URL(page.url()).hash;
  if (place) assert.equal(await page.locator(place).count(), 1, `the page has ${place}`);
  assert.equal(await page.getByText(`You cannot ${what.toLowerCase()}`).count(), 0, `the page refuses “${what}”`);
});

test("a completed challenge shows its whole lifecycle as a timeline and passes axe", async () => {
  const page = await context.newPage();
  await page.goto(base + "/challenges");
  await page.getByRole("link", { name: "Plan bus routes from real journeys" }).click();
  await page.getByRole("heading", { name: "Where it is" }).waitFor();
  const items = page.locator(".app-timeline__item");
  assert.equal(await items.count(), 9);
  assert.equal(await page.locator(".app-timeline__item--done").count(), 8);
  assert.ok(await page.getByText("Continued to phase 2", { exact: false }).first().isVisible());
  await accessible(page, "challenge page");
  // Its place in the lifecycle the store enforces, drawn and tabled.
  await page.getByRole("link", { name: "Where this is in a challenge's lifecycle" }).click();
  await page.getByRole("heading", { name: "A challenge's lifecycle" }).waitFor();
  assert.match(await page.locator("#here").innerText(), /This challenge is at Complete/);
  assert.equal(await page.locator(".app-lifecycle__state--here").getAttribute("data-state"), "complete");
  assert.ok(await page.getByRole("img", { name: "A challenge's lifecycle" }).isVisible(), "the drawing is an image with a name");
  assert.ok((await page.locator("#moves tbody tr").count()) >= 12, "every move is tabled");
  await accessible(page, "lifecycle page");
});

test("the audit trail can be filtered and exported, and passes axe", async () => {
  const page = await context.newPage();
  await page.goto(base + "/audit");
  await page.getByRole("heading", { name: "Audit trail" }).waitFor();
  assert.ok((await page.locator("tbody tr").count()) > 20, "the demo's events are listed");
  await accessible(page, "audit trail");
  await page.getByLabel("Record type").selectOption("bid");
  await page.getByRole("button", { name: "Filter" }).click();
  await page.waitForURL(/record_type=bid/);
  const actions = await page.locator("tbody tr td:nth-child(3)").allTextContents();
  assert.ok(actions.length > 0 && actions.every((a) => a.startsWith("bid.")), `only bid events: ${actions.slice(0, 5)}`);
  const csv = await page.request.get(base + "/api/v1/audit.csv?record_type=bid");
  assert.equal(csv.status(), 200);
  assert.match(await csv.text(), /^id,seq,at_utc,actor,action/);
});

test("signing out ends the session", async () => {
  const page = await context.newPage();
  await page.goto(base + "/challenges");
  await page.getByRole("button", { name: /Sign out Priya Shah/ }).click();
  await page.waitForURL(base + "/");
  const audit = await page.goto(base + "/audit");
  assert.equal(audit.status(), 401);
});

test("an assessor declares an interest, mistakes named first, renews the declaration, and the page passes axe", async () => {
  const page = await context.newPage();
  await page.goto(base + "/sign-in");
  await page.getByRole("button", { name: "Sign in as Chen Li" }).click();
  await page.waitForURL(/\/challenges$/);
  await page.getByRole("link", { name: "Your interests" }).click();
  await page.getByRole("heading", { name: "Your declared interests" }).waitFor();
  await accessible(page, "interests page");

  await page.getByRole("button", { name: "Declare interest" }).click();
  const summary = page.getByRole("alert").filter({ hasText: "There is a problem" });
  await summary.waitFor();
  assert.match(await page.title(), /^Error: /);
  assert.ok(await page.getByRole("link", { name: "Choose the organisation you have an interest in" }).isVisible());
  await accessible(page, "interests page with errors");

  const organisation = page.getByLabel("Organisation");
  const name = (await organisation.locator("option").nth(1).textContent()).trim();
  await organisation.selectOption({ label: name });
  await page.getByLabel(/^Professional/).check();
  await page.getByLabel("Describe the interest").fill("Advised them on procurement in 2025");
  await page.getByRole("button", { name: "Declare interest" }).click();
  await page.getByText(`You declared an interest in ${name}`).waitFor();
  await accessible(page, "interests page after declaring");

  await page.getByRole("button", { name: `Withdraw your interest in ${name}` }).click();
  await page.getByText(`You withdrew your interest in ${name}`).waitFor();

  // The yearly renewal: the declaration stands for 12 more months.
  await page.getByText(/It stands until/).waitFor();
  await page.getByRole("button", { name: "Confirm my declaration is complete and up to date" }).click();
  await page.getByText("Your declaration is renewed for 12 months.").waitFor();
  await accessible(page, "interests page after renewing the declaration");
  await page.getByRole("button", { name: /Sign out Chen Li/ }).click();
  await page.waitForURL(base + "/");
});
