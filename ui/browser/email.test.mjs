// Email, in Chromium with JavaScript and without: a supplier chooses which notices reach them by
// email; the programme team reads every email Catalyst wrote and what failed. The mail viewer
// of `catalyst dev` shows the emails the demo data's notices sent, each readable. axe checks
// every state.
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
const mailViewer = process.env.CATALYST_MAIL_URL;

for (const javaScript of [true, false]) {
  const how = javaScript ? "with JavaScript" : "without JavaScript";

  test(`a supplier chooses their emails (${how})`, async () => {
    const dana = await (await browser.newContext({ javaScriptEnabled: javaScript })).newPage();
    await signIn(dana, "Dana Evans");
    await dana.goto(base + "/notices");
    await dana.getByRole("link", { name: "choose your emails" }).click();
    await dana.getByRole("heading", { name: "Choose your emails" }).waitFor();
    await accessible(dana, `the email choices ${how}`, javaScript);

    const payments = dana.getByLabel("A milestone was paid");
    assert.ok(await payments.isChecked(), "every email is on at first");
    await payments.uncheck();
    await dana.getByRole("button", { name: "Save your choices" }).click();
    await dana.getByText("Your email choices are saved").waitFor();
    assert.equal(await dana.getByLabel("A milestone was paid").isChecked(), false, "the choice is kept");
    await accessible(dana, `the saved choices ${how}`, javaScript);

    // Back as it was, for the other run.
    await dana.getByLabel("A milestone was paid").check();
    await dana.getByRole("button", { name: "Save your choices" }).click();
    await dana.getByText("Your email choices are saved").waitFor();
    assert.ok(await dana.getByLabel("A milestone was paid").isChecked());
  });

  test(`the programme reads the emails sent (${how})`, async () => {
    const priya = await (await browser.newContext({ javaScriptEnabled: javaScript })).newPage();
    await signIn(priya, "Priya Shah");
    await priya.getByRole("link", { name: "Emails", exact: true }).click();
    await priya.getByRole("heading", { name: "Emails", exact: true }).waitFor();
    await priya.getByRole("link", { name: /^sent \(\d+\)$/ }).click();
    await priya.getByRole("table", { name: "Emails sent" }).waitFor();
    assert.ok(await priya.getByText("Sent", { exact: true }).count() > 0, "the demo data's notices were emailed");
    await accessible(priya, `the emails sent ${how}`, javaScript);
  });

  test(`the mail viewer shows what was sent (${how})`, { skip: !mailViewer && "CATALYST_MAIL_URL is not set" }, async () => {
    const dev = await (await browser.newContext({ javaScriptEnabled: javaScript })).newPage();
    await dev.goto(mailViewer);
    await dev.getByRole("heading", { name: "Mail sent by Catalyst" }).waitFor();
    await accessible(dev, `the mail viewer ${how}`, javaScript);
    const first = dev.getByRole("table").getByRole("link").first();
    const subject = await first.textContent();
    await first.click();
    await dev.getByRole("heading", { name: subject }).waitFor();
    await dev.getByText("Stop these emails", { exact: false }).first().waitFor();
    await accessible(dev, `a caught email ${how}`, javaScript);
  });
}
