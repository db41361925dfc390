// The retention schedule, in Chromium with JavaScript and without: the programme opens it from
// the audit trail, reads what the next run would delete, places a legal hold on a bid (a wrong
// number is refused in the page's words) and releases it. axe checks every state.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, accessible as check, signIn } from "./journey.mjs";

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

  test(`the programme holds a bid from the retention schedule (${how})`, async () => {
    const priya = await (await browser.newContext({ javaScriptEnabled: javaScript })).newPage();
    await signIn(priya, "Priya Shah");
    await priya.getByRole("link", { name: "Audit trail", exact: true }).click();
    await priya.getByRole("link", { name: "The retention schedule" }).click();
    await priya.getByRole("heading", { name: "Retention schedule", exact: true }).waitFor();
    await priya.getByRole("heading", { name: "What the next run would delete" }).waitFor();
    await accessible(priya, `the retention schedule ${how}`, javaScript);
    // The periods are an admin's setting: the programme officer reads them, with why not.
    assert.equal(await priya.getByRole("button", { name: "Save the schedule" }).count(), 0, "the programme officer is offered the schedule's periods");
    await priya.getByText("Only an admin sets the retention schedule.").waitFor();

    const reason = `A request for information about bid 1 (${how}, ${Date.now()})`;
    await priya.getByLabel("A bid").check();
    await priya.getByLabel("Its number").fill("99999");
    await priya.getByLabel("Why", { exact: true }).fill(reason);
    await priya.getByRole("button", { name: "Place the hold" }).click();
    await priya.getByRole("link", { name: "There is no bid 99999: check its number" }).waitFor();
    await accessible(priya, `a hold refused ${how}`, javaScript);

    await priya.getByLabel("Its number").fill("1");
    await priya.getByRole("button", { name: "Place the hold" }).click();
    await priya.getByText("The hold is placed").waitFor();
    const card = priya.locator(".govuk-summary-card", { hasText: reason });
    await card.getByLabel("Why it is released").fill("The request was answered");
    await card.getByRole("button", { name: /Release the hold/ }).click();
    await priya.getByText("The hold is released").waitFor();
    await priya.locator(".govuk-summary-card", { hasText: reason }).getByText("(released)").waitFor();
    await accessible(priya, `a hold released ${how}`, javaScript);
  });
}
