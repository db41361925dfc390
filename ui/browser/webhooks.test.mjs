// Webhooks, in Chromium with JavaScript and without: the admin registers an endpoint for
// the events its finance system needs, meeting a wrong URL first; copies the signing secret
// shown once; makes a new one; reads the delivery log. axe checks every state.
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

for (const javaScript of [true, false]) {
  const how = javaScript ? "with JavaScript" : "without JavaScript";

  test(`the admin registers a webhook endpoint (${how})`, async () => {
    const hannah = await (await browser.newContext({ javaScriptEnabled: javaScript })).newPage();
    await signIn(hannah, "Hannah Price");
    await hannah.getByRole("link", { name: "Webhooks", exact: true }).click();
    await hannah.getByRole("heading", { name: "Webhooks", exact: true }).waitFor();
    await accessible(hannah, `the webhooks page ${how}`, javaScript);

    const url = `https://finance.example/catalyst-${javaScript ? "js" : "nojs"}`;
    await hannah.getByLabel("The endpoint's URL").fill(url.replace("https", "http"));
    await hannah.getByLabel("What it is for (optional)").fill("The finance system's payments feed");
    await hannah.getByLabel(/A milestone is paid/).check();
    await hannah.getByLabel(/The stage gate stops a contract/).check();
    await hannah.getByRole("button", { name: "Register the endpoint" }).click();
    await hannah.getByRole("link", { name: /Use https:\/\/ for an endpoint not on this machine/ }).waitFor();
    assert.ok(await hannah.getByLabel(/A milestone is paid/).isChecked(), "the events chosen are kept");
    await accessible(hannah, `a wrong URL ${how}`, javaScript);

    await hannah.getByLabel("The endpoint's URL").fill(url);
    await hannah.getByRole("button", { name: "Register the endpoint" }).click();
    await hannah.getByRole("heading", { name: "Copy the signing secret now" }).waitFor();
    const first = await hannah.locator("#secret").textContent();
    assert.match(first, /^whsec_[A-Za-z0-9+/=]+$/);
    await accessible(hannah, `the new endpoint and its secret ${how}`, javaScript);

    await hannah.getByRole("button", { name: "Make a new signing secret" }).click();
    await hannah.getByRole("heading", { name: "Copy the signing secret now" }).waitFor();
    const second = await hannah.locator("#secret").textContent();
    assert.notEqual(second, first);
    await hannah.getByText(/ends \d+ \w+ \d{4}/).first().waitFor();

    await hannah.getByRole("link", { name: "Back to webhooks" }).click();
    await hannah.getByRole("link", { name: url }).click();
    await hannah.getByRole("heading", { name: "Deliveries" }).waitFor();
    assert.equal(await hannah.locator("#secret").count(), 0, "the secret is not shown again");
    await accessible(hannah, `the endpoint's page ${how}`, javaScript);
  });
}
