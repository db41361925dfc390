// The challenge owner's journey in Chromium, once with JavaScript and once without: draft a
// challenge, leave, come back to it, finish it and submit it; then the programme team selects
// it. axe checks every state of every page: empty, with errors, saved, complete and confirmed.
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

  test(`a challenge owner drafts a challenge over two sittings and submits it, and the programme selects it (${how})`, async () => {
    const context = await browser.newContext({ javaScriptEnabled: javaScript });
    const page = await context.newPage();
    const title = `Grit the hill roads first (${how}, ${Date.now() % 100000})`;

    await page.goto(base + "/sign-in");
    await page.getByRole("button", { name: "Sign in as Tom Reed" }).click();
    await page.waitForURL(/\/challenges$/);
    await page.getByRole("button", { name: "Start a challenge" }).click();
    await page.getByRole("heading", { name: "Describe your challenge" }).waitFor();
    await accessible(page, `empty intake form ${how}`, javaScript);

    // Mistakes first: each is named, linked, and what was typed is kept.
    await page.getByLabel("Title").fill(title);
    await page.getByLabel("What can your organisation put into phase 1?").fill("£50k");
    await page.getByRole("button", { name: "Save and continue" }).click();
    await page.getByText("There is a problem").waitFor();
    assert.match(await page.title(), /^Error: /);
    assert.ok(await page.getByRole("link", { name: "Enter the public body" }).isVisible());
    assert.equal(await page.getByLabel("Title").inputValue(), title);
    await accessible(page, `intake form with errors ${how}`, javaScript);

    // A draft is saved with only part of the answers.
    await page.getByLabel("Public body").fill("Anytown Council");
    await page.getByLabel("What is the problem?").fill("Hill roads ice before the gritters reach them.");
    await page.getByLabel("What can your organisation put into phase 1?").fill("");
    await page.getByRole("button", { name: "Save and continue" }).click();
    await page.getByRole("heading", { name: "Check your answers" }).waitFor();
    assert.ok(await page.getByText("Your answers are saved").isVisible());
    assert.ok(await page.getByText("Before you can submit").isVisible());
    assert.equal(await page.getByRole("button", { name: "Submit challenge" }).count(), 0);
    await accessible(page, `check page of an incomplete draft ${how}`, javaScript);

    // Evidence goes with the draft: a document is uploaded from the check page.
    await page.getByLabel("Add a document").setInputFiles({ name: "crash-reports.pdf", mimeType: "application/pdf",
      buffer: Buffer.from("%PDF-1.4\n% twelve crashes on ice\n%%EOF\n") });
    await page.getByRole("button", { name: "Upload document" }).click();
    await page.getByText("The document is added.").waitFor();
    assert.ok(await page.getByRole("link", { name: "crash-reports.pdf" }).isVisible());
    await accessible(page, `check page with evidence ${how}`, javaScript);

    // Leave, and come back to it from the challenges page.
    await page.goto(base + "/");
    await page.goto(base + "/challenges");
    await page.getByRole("link", { name: new RegExp(title.replace(/[()]/g, "\\$&")) }).click();
    await page.getByRole("heading", { name: "Check your answers" }).waitFor();
    await page.getByRole("link", { name: "Say who has the problem" }).click();
    await page.getByRole("heading", { name: "Describe your challenge" }).waitFor();
    assert.equal(await page.getByLabel("Title").inputValue(), title);

    await page.getByLabel("Who has the problem?").fill("Drivers and cyclists on 40 miles of hill roads.");
    await page.getByLabel("What is the evidence for it?").fill("Twelve crashes on ice last winter.");
    await page.getByLabel("What do users need?").fill("As a driver I need the road gritted before it ices.");
    await page.getByLabel("Transport").check();
    await page.getByLabel("What can your organisation put into phase 1?").fill("250,000");
    await page.getByLabel("How will you buy or adopt what works?").fill("A follow-on contract in the 2028 budget.");
    await page.getByLabel("Sponsor's name").fill("Morgan Ellis");
    await page.getByLabel("Sponsor's role").fill("Director of Place");
    await page.getByRole("button", { name: "Save and continue" }).click();
    await page.getByRole("heading", { name: "Check your answers" }).waitFor();
    assert.ok(await page.getByText("£250,000.00").isVisible());
    await accessible(page, `check page of a complete draft ${how}`, javaScript);

    await page.getByRole("button", { name: "Submit challenge" }).click();
    await page.getByRole("heading", { name: "Challenge submitted" }).waitFor();
    await accessible(page, `confirmation ${how}`, javaScript);
    await page.getByRole("link", { name: "follow its progress" }).click();
    await page.getByText("Submitted for screening").first().waitFor();
    const challengeURL = page.url();

    // The programme team screens it: a rejection needs a reason, a selection does not.
    await page.goto(base + "/sign-in");
    await page.getByRole("button", { name: "Sign in as Priya Shah" }).click();
    await page.waitForURL(/\/challenges$/);
    await page.goto(base + "/screening-criteria");
    await page.getByLabel("Criterion").fill(`The public body commits to buy what works (${how})`);
    await page.getByRole("button", { name: "Add criterion" }).click();
    await page.getByRole("heading", { name: "Screening criteria" }).waitFor();
    await accessible(page, `screening criteria ${how}`, javaScript);
    await page.goto(challengeURL);
    await page.getByRole("heading", { name: "What you can do" }).waitFor();
    assert.ok(await page.getByText(/You cannot select this challenge yet: \d screening criteri/).isVisible());
    await accessible(page, `challenge page with the screening ${how}`, javaScript);
    const met = page.getByLabel("Met", { exact: true });
    for (let i = 0; i < await met.count(); i++) await met.nth(i).check();
    await page.getByRole("button", { name: "Save screening" }).click();
    await page.getByText("Your screening is saved").waitFor();
    assert.equal(await page.getByText(/You cannot select this challenge yet/).count(), 0);
    await accessible(page, `challenge page with the selection ${how}`, javaScript);
    await page.getByLabel("Reject it").check();
    await page.getByRole("button", { name: "Save decision" }).click();
    await page.getByText("There is a problem").waitFor();
    assert.ok(await page.getByRole("link", { name: /Give a reason for not selecting/ }).isVisible());
    await accessible(page, `selection with errors ${how}`, javaScript);
    await page.getByLabel("Select it").check();
    await page.getByLabel("Round").selectOption({ index: 1 });
    await page.getByRole("button", { name: "Save decision" }).click();
    await page.getByText("You selected this challenge").waitFor();
    assert.ok(await page.getByText("Selected", { exact: true }).first().isVisible());
    await accessible(page, `challenge page after selection ${how}`, javaScript);

    // The owner is told.
    await page.goto(base + "/sign-in");
    await page.getByRole("button", { name: "Sign in as Tom Reed" }).click();
    await page.waitForURL(/\/challenges$/);
    await page.getByRole("link", { name: "Notices" }).click();
    await page.getByText(`Your challenge “${title}” was selected into`).waitFor();
    await accessible(page, `notices ${how}`, javaScript);
    await context.close();
  });
}

test("the programme team sets up a funding round, mistakes named first", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(base + "/sign-in");
  await page.getByRole("button", { name: "Sign in as Priya Shah" }).click();
  await page.waitForURL(/\/challenges$/);
  await page.getByRole("link", { name: "Rounds" }).click();
  await page.getByRole("heading", { name: "Funding rounds" }).waitFor();
  assert.ok(await page.getByRole("cell", { name: "2026 to 2027, round 1" }).isVisible(), "the demo round is listed");
  await accessible(page, "rounds page");
  await page.getByRole("button", { name: "Set up round" }).click();
  await page.getByText("There is a problem").waitFor();
  assert.match(await page.title(), /^Error: /);
  await accessible(page, "rounds page with errors");
  const name = `Winter round ${Date.now() % 100000}`;
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Budget").fill("2,000,000");
  for (const [which, d, m, y] of [["Starts", "1", "10", "2026"], ["Ends", "31", "3", "2027"]]) {
    const group = page.getByRole("group", { name: which });
    await group.getByLabel("Day").fill(d);
    await group.getByLabel("Month").fill(m);
    await group.getByLabel("Year").fill(y);
  }
  await page.getByRole("button", { name: "Set up round" }).click();
  await page.getByText(`You set up ${name}`).waitFor();
  assert.ok(await page.getByRole("cell", { name: "£2,000,000.00" }).first().isVisible());
  await accessible(page, "rounds page after setting one up");
  await context.close();
});

for (const javaScript of [true, false]) {
  const how = javaScript ? "with JavaScript" : "without JavaScript";
  test(`the admin adds a person in their roles, mistakes named first (${how})`, async () => {
    const context = await browser.newContext({ javaScriptEnabled: javaScript });
    const page = await context.newPage();
    await page.goto(base + "/sign-in");
    await page.getByRole("button", { name: "Sign in as Hannah Price" }).click();
    await page.waitForURL(/\/challenges$/);
    await page.getByRole("link", { name: "People" }).click();
    await page.getByRole("heading", { name: "People", exact: true }).waitFor();
    await accessible(page, `people page ${how}`, javaScript);
    await page.getByRole("button", { name: "Add person" }).click();
    await page.getByText("There is a problem").waitFor();
    await accessible(page, `people page with errors ${how}`, javaScript);
    const email = `sam.${javaScript ? "js" : "nojs"}.${Date.now() % 100000}@anytown.gov.uk`;
    await page.getByLabel("Full name").fill("Sam Okafor");
    await page.getByLabel("Email address").fill(email);
    await page.getByLabel("Challenge owner").check();
    await page.getByLabel("Organisation").selectOption({ label: "Anytown Council (public body)" });
    await page.getByRole("button", { name: "Add person" }).click();
    await page.getByText("Sam Okafor can now sign in").waitFor();
    assert.ok(await page.getByRole("cell", { name: email }).isVisible());
    await accessible(page, `people page after adding ${how}`, javaScript);
    await context.close();
  });
}

for (const javaScript of [true, false]) {
  const how = javaScript ? "with JavaScript" : "without JavaScript";

  test(`a challenge owner reads their declared interests, and a declaration without its details is refused (${how})`, async () => {
    const page = await (await browser.newContext({ javaScriptEnabled: javaScript })).newPage();
    await signIn(page, "Tom Reed");
    await page.getByRole("link", { name: "Your interests" }).click();
    await page.getByRole("heading", { name: "Your declared interests" }).waitFor();
    await page.getByText("you take no action on that supplier's bids or contracts").waitFor();
    assert.equal(await page.getByRole("button", { name: /Confirm my declaration/ }).count(), 0, "an owner renews no assessor's declaration");
    await accessible(page, `an owner's interests ${how}`, javaScript);
    await page.getByRole("button", { name: "Declare interest" }).click();
    await page.getByText("There is a problem").waitFor();
    await accessible(page, `an owner's declaration refused ${how}`, javaScript);
  });
}

for (const javaScript of [true, false]) {
  const how = javaScript ? "with JavaScript" : "without JavaScript";
  test(`a challenge owner names a colleague to act for them, who then sees why they cannot name others (${how})`, async () => {
    const tom = await (await browser.newContext({ javaScriptEnabled: javaScript })).newPage();
    await signIn(tom, "Tom Reed");
    await tom.getByRole("link", { name: "Find empty homes sooner" }).first().click();
    await tom.getByRole("link", { name: "Name or remove delegates" }).click();
    await tom.getByRole("heading", { name: "Delegates" }).waitFor();
    await tom.getByRole("button", { name: "Name the delegate" }).click();
    await tom.getByRole("link", { name: "Choose the colleague to name" }).waitFor();
    await accessible(tom, `naming nobody as delegate ${how}`, javaScript);
    await tom.getByLabel(/Lucy Grant/).check();
    await tom.getByRole("button", { name: "Name the delegate" }).click();
    await tom.getByText("The delegate is named, and told by email").waitFor();
    await accessible(tom, `a delegate named ${how}`, javaScript);

    const lucy = await (await browser.newContext({ javaScriptEnabled: javaScript })).newPage();
    await signIn(lucy, "Lucy Grant");
    await lucy.goto(tom.url().split("?")[0]);
    await lucy.getByText("Only the challenge's owner names delegates to act for them.").first().waitFor();
    assert.equal(await lucy.getByRole("button", { name: "Name the delegate" }).count(), 0, "the delegate is offered naming others");
    await accessible(lucy, `the challenge as its delegate ${how}`, javaScript);
    await lucy.context().close();

    await tom.getByRole("button", { name: "Remove Lucy Grant" }).click();
    await tom.getByText("The delegate is removed, and told by email").waitFor();
    await tom.context().close();
  });
}
