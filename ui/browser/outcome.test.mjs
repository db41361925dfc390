// The outcome, in Chromium with JavaScript and without, on a demo challenge whose phase 2
// contract has passed the final gate: the programme records a follow-on procurement, meeting the
// missing route and lesson first; the challenge is complete, and its lesson is in the public
// register, found by field and by kind. axe checks every state.
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
const challenges = { true: "Light cycle paths when in use", false: "Find leaks in council buildings" };

for (const javaScript of [true, false]) {
  const how = javaScript ? "with JavaScript" : "without JavaScript";
  const title = challenges[javaScript];

  test(`the programme records the outcome and its lesson (${how})`, async () => {
    const priya = await (await browser.newContext({ javaScriptEnabled: javaScript })).newPage();
    await signIn(priya, "Priya Shah");
    await priya.getByRole("link", { name: title }).click();
    await priya.getByRole("heading", { name: "Record the outcome" }).waitFor();
    await accessible(priya, `the outcome form ${how}`, javaScript);

    const form = () => priya.locator('form[action$="/outcome"]');
    await form().getByLabel("A follow-on procurement").check();
    await form().getByRole("button", { name: "Record the outcome" }).click();
    await priya.getByRole("link", { name: /Say which route the follow-on procurement takes/ }).waitFor();
    await priya.getByRole("link", { name: /Enter what worked/ }).waitFor();
    await accessible(priya, `the refused outcome ${how}`, javaScript);
    assert.ok(await form().getByLabel("A follow-on procurement").isChecked(), "the choice is kept");

    const why = `A prototype in one building convinced the estates team (${how})`;
    await form().getByLabel("The follow-on procurement's route").fill("An open procedure under the Procurement Act 2023");
    await form().getByLabel("What worked").fill("Testing in a real building from the first month.");
    await form().getByLabel("What failed").fill("The first sensors' batteries.");
    await form().getByLabel("Why").fill(why);
    await form().getByRole("button", { name: "Record the outcome" }).click();
    await priya.getByText("The outcome is recorded, and its lesson is in the register").waitFor();
    await priya.getByText("A follow-on procurement (An open procedure under the Procurement Act 2023)", { exact: false }).waitFor();
    await accessible(priya, `the completed challenge ${how}`, javaScript);

    // Anyone finds the lesson in the register, by field and kind.
    const anyone = await (await browser.newContext({ javaScriptEnabled: javaScript })).newPage();
    await anyone.goto(`${base}/lessons`);
    await anyone.getByLabel("Field").selectOption("Local services");
    await anyone.getByLabel("Learnt from").selectOption("outcome");
    await anyone.getByLabel("Words to look for").fill(how);
    await anyone.getByRole("button", { name: "Search the lessons" }).click();
    await anyone.getByText("1 lesson", { exact: true }).waitFor();
    assert.match(await anyone.locator(".govuk-summary-card").textContent(), new RegExp(`${title}: a challenge's outcome`));
    await accessible(anyone, `the register filtered ${how}`, javaScript);
    for (const p of [priya, anyone]) await p.context().close();
  });
}
