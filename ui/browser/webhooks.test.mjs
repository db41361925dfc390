// Webhooks, in Chromium with JavaScript and without: the programme registers an endpoint for
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

  test(`the programme registers a webhook endpoint (${how})`, async () => {
    const priya = await (await browser.newContext({ javaScriptEnabled: javaScript })).newPage();
    await signIn(priya, "Priya Shah");
    await priya.getByRole("link", { name: "Webhooks", exact: true }).click();
    await priya.getByRole("heading", { name: "Webhooks", exact: true }).waitFor();
    await accessible(priya, `the webhooks page ${how}`, javaScript);

    const url = `https://finance.example/catalyst-${javaScript ? "js" : "nojs"}`;
    await priya.getByLabel("The endpoint's URL").fill(url.replace("https", "http"));
    await priya.getByLabel("What it is for (optional)").fill("The finance system's payments feed");
    await priya.getByLabel(/A milestone is paid/).check();
    await priya.getByLabel(/The stage gate stops a contract/).check();
    await priya.getByRole("button", { name: "Register the endpoint" }).click();
    await priya.getByRole("link", { name: /Use https:\/\/ for an endpoint not on this machine/ }).waitFor();
    assert.ok(await priya.getByLabel(/A milestone is paid/).isChecked(), "the events chosen are kept");
    await accessible(priya, `a wrong URL ${how}`, javaScript);

    await priya.getByLabel("The endpoint's URL").fill(url);
    await priya.getByRole("button", { name: "Register the endpoint" }).click();
    await priya.getByRole("heading", { name: "Copy the signing secret now" }).waitFor();
    const first = await priya.locator("#secret").textContent();
    assert.match(first, /^whsec_[A-Za-z0-9+/=]+$/);
    await accessible(priya, `the new endpoint and its secret ${how}`, javaScript);

    await priya.getByRole("button", { name: "Make a new signing secret" }).click();
    await priya.getByRole("heading", { name: "Copy the signing secret now" }).waitFor();
    const second = await priya.locator("#secret").textContent();
    assert.notEqual(second, first);
    await priya.getByText(/ends \d+ \w+ \d{4}/).first().waitFor();

    await priya.getByRole("link", { name: "Back to webhooks" }).click();
    await priya.getByRole("link", { name: url }).click();
    await priya.getByRole("heading", { name: "Deliveries" }).waitFor();
    assert.equal(await priya.locator("#secret").count(), 0, "the secret is not shown again");
    await accessible(priya, `the endpoint's page ${how}`, javaScript);
  });
}
