// A supplier's bid, in Chromium with JavaScript and without: a new supplier finds a competition
// by search, asks for alerts in its field, registers its organisation, writes its bid over two sittings (signing out
// between, and coming back to it from Your work), meets and fixes a word-limit error and a milestone error, uploads a document,
// submits, reads the receipt, reopens and resubmits, and sees what is due next; a supplier
// whose deadline has passed finds nothing editable. axe checks every state.
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

const pdf = { name: "proposal.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4\n% proposal\n%%EOF\n") };

for (const javaScript of [true, false]) {
  const how = javaScript ? "with JavaScript" : "without JavaScript";

  test(`a new supplier finds a competition and bids over two sittings (${how})`, async () => {
    const context = await browser.newContext({ javaScriptEnabled: javaScript });
    const page = await context.newPage();
    const n = `${javaScript ? "j" : "n"}${Date.now() % 100000}`;
    const name = `Kit Moss ${n}`;

    // Find it: search and filters, as anyone can.
    await page.goto(base + "/competitions");
    await page.getByLabel("Search").fill("prove it works");
    await page.getByLabel("Open now", { exact: true }).check();
    await page.getByRole("button", { name: "Search" }).click();
    await accessible(page, `competition search ${how}`, javaScript);
    await page.locator(".govuk-summary-card__title a").first().click();
    await page.getByRole("heading", { name: "How to apply" }).waitFor();
    const competition = page.url();
    await accessible(page, `competition brief ${how}`, javaScript);

    // Alerts for its field, without an account: a mistake named first.
    await page.getByRole("link", { name: /^Get alerts when competitions open in / }).click();
    await page.getByRole("button", { name: "Get alerts" }).click();
    await page.getByText("Enter an email address in the right format").first().waitFor();
    await accessible(page, `alerts with a mistake ${how}`, javaScript);
    await page.getByLabel("Email address").fill(`kit@moss${n}.example`);
    await page.getByRole("button", { name: "Get alerts" }).click();
    await page.getByRole("heading", { name: "Alerts set up" }).waitFor();
    await accessible(page, `alerts set up ${how}`, javaScript);

    // First sign-in, and the organisation registered.
    await page.goto(base + "/sign-in");
    await page.getByLabel("Full name").fill(name);
    await page.getByLabel("Email address").fill(`kit@moss${n}.example`);
    await page.getByRole("button", { name: "Sign in as a new supplier" }).click();
    await page.waitForURL(/\/organisation$/);
    await page.getByLabel("Organisation name").fill(`Moss ${n} Ltd`);
    await page.getByLabel("Limited company").check();
    await page.getByLabel("Companies House number").fill("7654321");
    await page.getByLabel(/^Micro:/).check();
    await page.getByLabel("Day").fill("1");
    await page.getByLabel("Month").fill("6");
    await page.getByLabel("Year").fill("2025");
    await page.getByLabel("Region").selectOption("Scotland");
    await page.getByLabel("Local services").check();
    await page.getByRole("button", { name: "Register organisation" }).click();
    await page.getByText("Your organisation is registered").waitFor();

    // Start the bid; the first sitting writes about the project and stops.
    await page.goto(competition);
    await page.getByRole("button", { name: "Start a bid" }).click();
    await page.getByRole("link", { name: "About your project" }).waitFor();
    await accessible(page, `new bid task list ${how}`, javaScript);
    const bid = page.url();
    await page.getByRole("link", { name: "About your project" }).click();
    await page.getByLabel("Title of your project").fill(`Verge mapping ${n}`);
    await accessible(page, `about the project ${how}`, javaScript);
    await page.getByRole("button", { name: "Save and come back later" }).click();
    await page.getByText("Your answers are saved").waitFor();
    await page.getByRole("button", { name: `Sign out ${name}` }).click();

    // The second sitting: the draft is where it was left.
    await page.goto(base + "/sign-in");
    await page.getByRole("button", { name: `Sign in as ${name}` }).click();
    await page.waitForURL(/\/challenges$/);
    await page.getByRole("link", { name: "Your bids and contracts", exact: true }).click();
    await page.getByText("What is due next").waitFor();
    await accessible(page, `dashboard with a draft ${how}`, javaScript);
    // The queue asks the supplier to finish the bid, by its deadline, and opens it.
    await page.getByRole("link", { name: "Your work", exact: true }).click();
    await page.getByRole("heading", { name: "Your work", level: 1 }).waitFor();
    await accessible(page, `your work with a draft bid ${how}`, javaScript);
    await page.getByRole("link", { name: /^Finish your bid/ }).click();
    assert.equal(page.url(), bid);
    await page.getByRole("link", { name: "About your project" }).click();
    assert.equal(await page.getByLabel("Title of your project").inputValue(), `Verge mapping ${n}`);
    await page.getByLabel("Summary").fill("Map the verges from the gritters' cameras.");
    await page.getByRole("group", { name: "Fields" }).getByRole("checkbox").first().check();
    await page.getByRole("button", { name: "Save and continue" }).click();

    // A word-limit error, named and fixed, with the answer kept.
    await page.getByRole("link", { name: "Fit to the challenge" }).click();
    const tooLong = Array.from({ length: 501 }, (_, i) => `word${i}`).join(" ");
    await page.getByLabel("Your answer").fill(tooLong);
    await page.getByRole("button", { name: "Save and continue" }).click();
    await page.getByText("has 501 words: it must be 500 words or fewer").first().waitFor();
    assert.equal(await page.getByLabel("Your answer").inputValue(), tooLong);
    await accessible(page, `an answer over its word limit ${how}`, javaScript);
    await page.getByLabel("Your answer").fill("Our cameras already ride on the council's gritters.");
    await page.getByRole("button", { name: "Save and continue" }).click();
    await page.getByRole("link", { name: "Innovation", exact: true }).click();
    if (javaScript) {
      // Type once the page's script is listening, as a person would after it loads: a fill
      // racing the module script's start was missed by the autosave on a busy machine.
      await page.waitForFunction(() => document.body.classList.contains("govuk-frontend-supported"));
    }
    await page.getByLabel("Your answer").fill("Nobody maps verges from vehicles already on the road.");
    if (javaScript) {
      // The answer saves in the background without a click.
      await page.getByText(/^Saved at /).waitFor();
      await page.goto(bid);
      await page.getByRole("link", { name: "Innovation", exact: true }).click();
      assert.equal(await page.getByLabel("Your answer").inputValue(), "Nobody maps verges from vehicles already on the road.");
    }
    await page.getByRole("button", { name: "Save and continue" }).click();
    await page.getByRole("link", { name: "Feasibility" }).click();
    await page.getByLabel("Your answer").fill("A twelve-week trial on two routes.");
    await page.getByRole("button", { name: "Save and continue" }).click();

    // Money, then milestones that do not add up, fixed with a second row.
    await page.getByRole("link", { name: "Finances" }).click();
    await page.getByLabel("Your price, not including VAT").fill("37,500");
    await page.getByLabel("20% (standard rate)").check();
    await page.getByRole("button", { name: "Save and continue" }).click();
    await page.getByRole("link", { name: "Payment milestones" }).click();
    await page.getByLabel("Deliverable").fill("A map of two routes");
    await page.getByLabel("Success criteria").fill("The owner can find every verge on it");
    await page.getByLabel("Month it falls due").fill("1");
    await page.getByLabel("Amount, not including VAT").fill("20,000");
    await page.getByRole("button", { name: "Save and continue" }).click();
    await page.getByText("£17,500.00 short").first().waitFor();
    await accessible(page, `milestones short of the price ${how}`, javaScript);
    await page.getByRole("button", { name: "Add another milestone" }).click();
    await page.getByRole("group", { name: "Milestone 2" }).getByLabel("Deliverable").fill("The trial's report");
    await page.getByRole("group", { name: "Milestone 2" }).getByLabel("Success criteria").fill("It says whether to go on");
    await page.getByRole("group", { name: "Milestone 2" }).getByLabel("Month it falls due").fill("3");
    await page.getByRole("group", { name: "Milestone 2" }).getByLabel("Amount, not including VAT").fill("17,500");
    await page.getByRole("button", { name: "Save and continue" }).click();
    await page.getByRole("link", { name: "Declarations" }).click();
    for (const q of [/start within four weeks/, /indemnity insurance/]) {
      await page.getByRole("group", { name: q }).getByLabel("Yes").check();
    }
    await accessible(page, `declarations ${how}`, javaScript);
    await page.getByRole("button", { name: "Save and continue" }).click();
    await page.getByRole("link", { name: "Supporting documents" }).click();
    await page.getByLabel("Upload a file").setInputFiles(pdf);
    await page.getByRole("button", { name: "Upload", exact: true }).click();
    await page.locator("dt", { hasText: "proposal.pdf" }).waitFor();
    await accessible(page, `supporting documents ${how}`, javaScript);

    // Check, submit, and the receipt.
    await page.goto(bid + "/check");
    await page.getByRole("heading", { name: "Check your answers before you submit your bid" }).waitFor();
    await accessible(page, `check your answers ${how}`, javaScript);
    await page.getByRole("button", { name: "Submit your bid" }).click();
    await page.getByRole("heading", { name: "Bid submitted" }).waitFor();
    const receipt = await page.locator(".govuk-panel__body strong").textContent();
    assert.match(receipt, /^CAT-\d+-\d+-[0-9A-F]{10}$/);
    assert.match(await page.locator(".app-break").first().textContent(), /^[0-9a-f]{64}$/);
    await accessible(page, `bid submitted ${how}`, javaScript);

    // Reopen and resubmit before the deadline.
    await page.goto(bid);
    await page.getByRole("button", { name: "Reopen your bid" }).click();
    await page.getByText("Your bid is reopened").waitFor();
    await accessible(page, `reopened bid ${how}`, javaScript);
    await page.getByRole("link", { name: "Check your answers and submit" }).click();
    await page.getByRole("button", { name: "Submit your bid" }).click();
    await page.getByRole("heading", { name: "Bid submitted" }).waitFor();
    await page.getByRole("link", { name: "Your bids and contracts", exact: true }).click();
    await page.getByText("Nothing to do: the competition closes").waitFor();
    // Done: the queue no longer asks for the bid, and says the supplier submitted it.
    await page.getByRole("link", { name: "Your work", exact: true }).click();
    await page.getByRole("heading", { name: "Your work", level: 1 }).waitFor();
    assert.equal(await page.getByRole("link", { name: /^Finish your bid/ }).count(), 0, "the queue still asks for a bid submitted");
    await page.locator("#done").getByText(/submitted/).first().waitFor();
    await context.close();
  });

  test(`after the deadline nothing about a bid is editable (${how})`, async () => {
    const context = await browser.newContext({ javaScriptEnabled: javaScript });
    const page = await context.newPage();
    await signIn(page, "Dana Evans");
    await page.getByRole("link", { name: "Your bids and contracts", exact: true }).click();
    await accessible(page, `dashboard with contracts ${how}`, javaScript);
    await page.locator(".govuk-summary-card", { hasText: "Successful" }).first().getByRole("link").first().click();
    await page.getByRole("link", { name: "Read your bid as it was sealed" }).waitFor();
    assert.equal(await page.getByRole("button", { name: "Reopen your bid" }).count(), 0);
    assert.equal(await page.getByRole("button", { name: "Withdraw your bid" }).count(), 0);
    await page.getByRole("link", { name: "Read your bid as it was sealed" }).click();
    assert.equal(await page.getByRole("link", { name: /^Change/ }).count(), 0);
    assert.equal(await page.getByRole("button", { name: "Submit your bid" }).count(), 0);
    await accessible(page, `a sealed bid after the deadline ${how}`, javaScript);

    // The receipt file, kept, is checked by anyone signed out against the public log; the
    // competition's page publishes the log's checkpoint at the close.
    await page.goBack();
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download your receipt" }).click()]);
    const receiptFile = await download.path();
    const anyone = await browser.newContext({ javaScriptEnabled: javaScript });
    const outside = await anyone.newPage();
    await outside.goto(base + "/receipts/check");
    await outside.getByRole("heading", { name: "Check a receipt in the public log" }).waitFor();
    await accessible(outside, `check a receipt signed out ${how}`, javaScript);
    await outside.getByRole("button", { name: "Check the receipt" }).click();
    await outside.locator(".govuk-error-summary").getByText("Choose the receipt file").waitFor();
    await accessible(outside, `check a receipt, none chosen ${how}`, javaScript);
    await outside.getByLabel("Receipt file").setInputFiles(receiptFile);
    await outside.getByRole("button", { name: "Check the receipt" }).click();
    await outside.getByRole("heading", { name: "The receipt is in the public log" }).waitFor();
    await outside.getByText("Among the bids received by the deadline").waitFor();
    await accessible(outside, `a receipt in the public log ${how}`, javaScript);
    await outside.getByRole("link", { name: /^Competition \d+$/ }).click();
    await outside.getByRole("heading", { name: "In the public log" }).waitFor();
    await accessible(outside, `a closed competition's checkpoint ${how}`, javaScript);
    await anyone.close();
    await context.close();
  });
}
