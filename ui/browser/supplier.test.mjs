// A supplier new to Catalyst, in Chromium with JavaScript and without: signs in for the first
// time, registers its organisation (mistakes named first), and a colleague at the same email
// domain asks to join and is approved by the first. axe checks every state.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { base, launch, accessible as check, signIn } from "./journey.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const accessible = (page, name, javaScript) => check(browser, page, name, javaScript);

async function newSupplier(page, name, email) {
  await page.goto(base + "/sign-in");
  await page.getByLabel("Full name").fill(name);
  await page.getByLabel("Email address").fill(email);
  await page.getByRole("button", { name: "Sign in as a new supplier" }).click();
  await page.waitForURL(/\/organisation$/);
}

for (const javaScript of [true, false]) {
  const how = javaScript ? "with JavaScript" : "without JavaScript";

  test(`a new supplier registers its organisation and a colleague joins it (${how})`, async () => {
    const context = await browser.newContext({ javaScriptEnabled: javaScript });
    const page = await context.newPage();
    const n = `${javaScript ? "j" : "n"}${Date.now() % 100000}`;
    const domain = `newco${n}.example`;
    const org = `Newco ${n} Ltd`;

    await newSupplier(page, `Rosa Diaz ${n}`, `rosa@${domain}`);
    await page.getByRole("heading", { name: "Register your organisation" }).waitFor();
    await accessible(page, `empty registration ${how}`, javaScript);

    await page.getByLabel("Organisation name").fill(org);
    await page.getByLabel("Limited company").check();
    await page.getByRole("button", { name: "Register organisation" }).click();
    await page.getByText("There is a problem").waitFor();
    assert.match(await page.title(), /^Error: /);
    assert.ok(await page.getByRole("link", { name: /Enter the Companies House number/ }).isVisible());
    assert.equal(await page.getByLabel("Organisation name").inputValue(), org);
    await accessible(page, `registration with errors ${how}`, javaScript);

    await page.getByLabel("Companies House number").fill("1234567");
    await page.getByLabel(/^Small:/).check();
    await page.getByLabel("Day").fill("1");
    await page.getByLabel("Month").fill("3");
    await page.getByLabel("Year").fill("2024");
    await page.getByLabel("Region").selectOption("Wales");
    await page.getByLabel("Transport").check();
    await page.getByRole("button", { name: "Register organisation" }).click();
    await page.getByText("Your organisation is registered").waitFor();
    assert.ok(await page.getByRole("heading", { name: org }).isVisible());
    assert.ok(await page.getByText("01234567").isVisible());
    await accessible(page, `registered organisation ${how}`, javaScript);

    // A colleague at the same domain asks to join.
    await newSupplier(page, `Sam Lee ${n}`, `sam@${domain}`);
    await page.getByRole("button", { name: `Ask to join ${org}` }).click();
    await page.getByText("Your request is sent").waitFor();
    await accessible(page, `request to join sent ${how}`, javaScript);

    // The first member approves; the colleague is told and can bid.
    await page.goto(base + "/sign-in");
    await page.getByRole("button", { name: `Sign in as Rosa Diaz ${n}` }).click();
    await page.waitForURL(/\/challenges$/);
    await page.getByRole("link", { name: "Notices" }).click();
    await page.getByText(`Sam Lee ${n} (sam@${domain}) asks to join ${org}`).waitFor();
    await page.getByRole("link", { name: "Your organisation" }).click();
    await accessible(page, `request to approve ${how}`, javaScript);
    await page.getByRole("button", { name: `Approve Sam Lee ${n}` }).click();
    await page.getByText("They are now a member of your organisation").waitFor();

    await page.goto(base + "/sign-in");
    await page.getByRole("button", { name: `Sign in as Sam Lee ${n}` }).click();
    await page.waitForURL(/\/challenges$/);
    await page.getByRole("link", { name: "Notices" }).click();
    await page.getByText(`Your request to join ${org} was approved by Rosa Diaz ${n}.`).waitFor();
    await context.close();
  });
}
