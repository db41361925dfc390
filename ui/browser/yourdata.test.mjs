// A person's own data, in Chromium with JavaScript and without: a supplier reads everything held
// about her and her organisation, downloads it as JSON, corrects her name (a blank one is
// refused in the page's words) and asks the programme to correct her email address; the
// programme finds the request in its work and answers it on her record, and she reads the
// answer. axe checks every state.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
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

  test(`a supplier downloads and corrects her data, and the programme answers her (${how})`, async () => {
    const fatima = await (await browser.newContext({ javaScriptEnabled: javaScript, acceptDownloads: true })).newPage();
    await signIn(fatima, "Fatima Khan");
    await fatima.getByRole("link", { name: "Your data", exact: true }).click();
    await fatima.getByRole("heading", { name: "Your data", exact: true }).waitFor();
    await fatima.getByText("fatima@civicsense.example").first().waitFor();
    await fatima.getByRole("table", { name: /Your organisation's bids/ }).waitFor();
    await accessible(fatima, `your data ${how}`, javaScript);

    const [download] = await Promise.all([
      fatima.waitForEvent("download"),
      fatima.getByRole("link", { name: "Download all of it as a file (JSON)" }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^catalyst-your-data-\d{4}-\d{2}-\d{2}\.json$/);
    const data = JSON.parse(await readFile(await download.path(), "utf8"));
    assert.equal(data.person.email, "fatima@civicsense.example");
    assert.equal(data.organisation.name, "CivicSense Ltd");
    assert.ok(data.bids.length > 0 && data.sessions.length > 0, "her organisation's bids and her sessions are in the file");

    await fatima.getByLabel("Correct your name").fill(" ");
    await fatima.getByRole("button", { name: "Save your name" }).click();
    await fatima.getByRole("link", { name: "Enter the name" }).waitFor();
    await accessible(fatima, `a blank name refused ${how}`, javaScript);
    await fatima.getByLabel("Correct your name").fill("Fatima Khan");
    await fatima.getByRole("button", { name: "Save your name" }).click();
    await fatima.getByText("Your name is corrected").waitFor();

    const what = `My email address is now fatima.khan@civicsense.example (${how}, ${Date.now()})`;
    await fatima.getByLabel("What is wrong, and what should it say?").fill(what);
    await fatima.getByRole("button", { name: "Send your request" }).click();
    await fatima.getByText("Your request is sent").waitFor();
    await fatima.getByRole("cell", { name: what }).waitFor();
    await accessible(fatima, `a correction asked for ${how}`, javaScript);

    const priya = await (await browser.newContext({ javaScriptEnabled: javaScript })).newPage();
    await signIn(priya, "Priya Shah");
    await priya.goto(base + "/work");
    await priya.getByRole("link", { name: /Answer the request to correct their data.*Fatima Khan/ }).first().click();
    const card = priya.locator(".govuk-summary-card", { hasText: what });
    await card.getByRole("button", { name: "Answer the request to correct their data" }).click();
    await priya.getByRole("link", { name: "Say whether you corrected it" }).waitFor();
    await accessible(priya, `an answer refused ${how}`, javaScript);
    const again = priya.locator(".govuk-summary-card", { hasText: what });
    await again.getByLabel("Yes, it is corrected").check();
    await again.getByLabel("What you did, or why nothing was corrected").fill("Your sign-in address is changed.");
    await again.getByRole("button", { name: "Answer the request to correct their data" }).click();
    await priya.getByText("Your answer is sent, and they are told").waitFor();
    await accessible(priya, `an answered correction ${how}`, javaScript);

    await fatima.goto(base + "/your-data");
    await fatima.getByRole("row", { name: new RegExp("Corrected Your sign-in address is changed") }).filter({ hasText: what }).waitFor();
  });
}
