// Assisted digital, in Chromium with JavaScript and without: the programme acts for a supplier
// who cannot get online, with the consent they gave (its absence refused in the page's words);
// every page says who is acting for whom, the supplier's own pages are the ones it reaches, its
// bid is submitted for it (the receipt reaching the supplier, saying who submitted it), and it
// stops, back on the supplier's record where who acted for them is kept. axe checks every state.
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

for (const [javaScript, supplier] of [[true, "Ed Morgan"], [false, "Fatima Khan"]]) {
  const how = javaScript ? "with JavaScript" : "without JavaScript";

  test(`the programme acts for a supplier with their consent (${how})`, async () => {
    const priya = await (await browser.newContext({ javaScriptEnabled: javaScript })).newPage();
    await signIn(priya, "Priya Shah");
    await priya.getByRole("link", { name: "People", exact: true }).click();
    await priya.getByRole("link", { name: supplier }).first().click();
    await priya.getByRole("heading", { name: "Act for them" }).waitFor();
    await priya.getByRole("button", { name: `Act for ${supplier}` }).click();
    await priya.getByRole("link", { name: `Choose how ${supplier} gave their consent` }).waitFor();
    await accessible(priya, `acting without consent ${how}`, javaScript);

    await priya.getByLabel("By phone").check();
    await priya.getByLabel("What they agreed to").fill(`${supplier} asked us on the phone to check their bids for them (${Date.now()}).`);
    await priya.getByRole("button", { name: `Act for ${supplier}` }).click();
    await priya.getByText(`Priya Shah, you are acting for ${supplier}, with their consent.`).waitFor();
    await accessible(priya, `acting for a supplier ${how}`, javaScript);
    await priya.getByRole("link", { name: "Your bids and contracts", exact: true }).click();
    await priya.getByText(`you are acting for ${supplier}`).waitFor();
    assert.equal(await priya.getByRole("link", { name: "People", exact: true }).count(), 0, "the programme's pages are not offered while acting for a supplier");

    // The bid for the open competition is submitted for them: reopened first if it was in.
    await priya.getByRole("link", { name: /: Cut damp and mould in social housing$/ }).first().click();
    if (await priya.getByRole("button", { name: "Reopen your bid" }).count()) {
      await priya.getByRole("button", { name: "Reopen your bid" }).click();
    }
    await priya.getByRole("link", { name: "Check your answers and submit" }).click();
    await priya.getByRole("button", { name: "Submit your bid" }).click();
    await priya.getByRole("heading", { name: "Bid submitted" }).waitFor();
    await priya.getByText(`you are acting for ${supplier}`).waitFor();
    await accessible(priya, `a bid submitted for a supplier ${how}`, javaScript);

    await priya.getByRole("button", { name: `Stop acting for ${supplier}` }).click();
    await priya.getByText(`You are no longer acting for ${supplier}`).waitFor();
    await priya.getByRole("heading", { name: "Who acted for them" }).waitFor();
    await accessible(priya, `after acting for a supplier ${how}`, javaScript);
    await priya.goto(base + "/people");
    await priya.getByRole("heading", { name: "People" }).first().waitFor();

    // The supplier's own receipt comes to them, saying who submitted it.
    const own = await (await browser.newContext({ javaScriptEnabled: javaScript })).newPage();
    await signIn(own, supplier);
    await own.goto(base + "/notices");
    await own.getByText(/Priya Shah of the programme team submitted your bid .*Your receipt number is CAT-/).first().waitFor();
    await own.context().close();
  });
}
