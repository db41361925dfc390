// The programme team's competition work in Chromium, once with JavaScript and once without:
// set a competition up task by task with five questions (two pass or fail), schedule it, and
// see it open at its time; then, on an open competition, answer a supplier's clarification
// question for every bidder and extend one supplier's deadline. axe checks every state.
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

// The competitions scheduled by the first journeys, which open by themselves at their time.
const scheduled = [];

// london is an instant's date and time of day as a person in the UK types them.
function london(d) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-GB", {
    timeZone: "Europe/London", year: "numeric", month: "numeric", day: "numeric",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  }).formatToParts(d).map((p) => [p.type, p.value]));
  return { day: parts.day, month: parts.month, year: parts.year, time: `${parts.hour}:${parts.minute}` };
}

async function fillDateTime(page, group, d) {
  const g = page.getByRole("group", { name: group });
  const t = london(d);
  await g.getByLabel("Day").fill(t.day);
  await g.getByLabel("Month").fill(t.month);
  await g.getByLabel("Year").fill(t.year);
  await g.getByLabel("Time").fill(t.time);
}

const escape = (s) => s.replace(/[()]/g, "\\$&");

// selectedChallenge has the owner write and submit a challenge, and the programme select it.
async function selectedChallenge(page, title) {
  await signIn(page, "Tom Reed");
  await page.getByRole("button", { name: "Start a challenge" }).click();
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Public body").fill("Anytown Council");
  await page.getByLabel("What is the problem?").fill("Street lights fail and nobody knows for weeks.");
  await page.getByLabel("Who has the problem?").fill("Residents walking home after dark.");
  await page.getByLabel("What is the evidence for it?").fill("Four hundred reports a year.");
  await page.getByLabel("What do users need?").fill("As a resident I need a lit street.");
  await page.getByLabel("Transport").check();
  await page.getByLabel("What can your organisation put into phase 1?").fill("250,000");
  await page.getByLabel("How will you buy or adopt what works?").fill("A follow-on contract.");
  await page.getByLabel("Sponsor's name").fill("Morgan Ellis");
  await page.getByLabel("Sponsor's role").fill("Director of Place");
  await page.getByRole("button", { name: "Save and continue" }).click();
  await page.getByRole("button", { name: "Submit challenge" }).click();
  await page.getByRole("heading", { name: "Challenge submitted" }).waitFor();
  await page.getByRole("link", { name: "follow its progress" }).click();
  const url = page.url();
  await signIn(page, "Priya Shah");
  await page.goto(url);
  // Judge every criterion the page shows. Another journey may add one meanwhile: the page then
  // comes back with it still to judge, as it would for a colleague, and it is judged in turn.
  const met = page.getByLabel("Met", { exact: true });
  const toJudge = page.getByText(/You cannot select this challenge yet: \d+ screening criteri/);
  for (let round = 0; round < 5 && await toJudge.count(); round++) {
    for (let i = 0; i < await met.count(); i++) await met.nth(i).check();
    await page.getByRole("button", { name: "Save screening" }).click();
    await page.getByText("Your screening is saved").waitFor();
  }
  await page.getByLabel("Select it").check();
  await page.getByLabel("Round").selectOption({ index: 1 });
  await page.getByRole("button", { name: "Save decision" }).click();
  await page.getByText("You selected this challenge").waitFor();
}

async function addQuestion(page, q) {
  await page.getByRole("link", { name: "Add a question" }).click();
  await page.getByLabel("Short title").fill(q.title);
  await page.getByLabel("The question").fill(q.text);
  await page.getByLabel("Word limit").fill(String(q.words));
  if (q.passFail) {
    await page.getByLabel("Pass or fail").check();
  } else {
    await page.getByLabel("Scored, with a weight").check();
    await page.getByLabel("Weight (scored questions)").fill(String(q.weight));
  }
  if (q.pdf) {
    await page.getByLabel("pdf").check();
    await page.getByLabel("Largest appendix, in MB").fill("5");
  }
  await page.getByRole("button", { name: "Save question" }).click();
  await page.getByText("The question was saved").waitFor();
}

for (const javaScript of [true, false]) {
  const how = javaScript ? "with JavaScript" : "without JavaScript";

  test(`the programme sets up a competition with five questions and schedules it (${how})`, async () => {
    const context = await browser.newContext({ javaScriptEnabled: javaScript });
    const page = await context.newPage();
    const title = `Light the lanes (${how}, ${Date.now() % 100000})`;
    await selectedChallenge(page, title);

    await page.getByRole("button", { name: "Set up the phase 1 competition" }).click();
    await page.getByRole("heading", { name: "Set up the phase 1 competition" }).waitFor();
    assert.ok(await page.getByText("Cannot start yet").isVisible());
    await accessible(page, `empty task list ${how}`, javaScript);

    // Mistakes in the dates are named, with what was typed kept.
    await page.getByRole("link", { name: "Dates" }).click();
    await page.getByRole("group", { name: "Last time for clarification questions" }).getByLabel("Day").fill("31");
    await page.getByRole("group", { name: "Last time for clarification questions" }).getByLabel("Month").fill("2");
    await page.getByRole("button", { name: "Save and return to the task list" }).click();
    await page.getByText("There is a problem").waitFor();
    assert.match(await page.title(), /^Error: Dates/);
    assert.equal(await page.getByRole("group", { name: "Last time for clarification questions" }).getByLabel("Day").inputValue(), "31");
    await accessible(page, `dates with errors ${how}`, javaScript);
    await page.getByRole("link", { name: "Back to the task list" }).click();

    await page.getByRole("link", { name: "Competition details" }).click();
    await page.getByLabel("Summary").fill("Find failed street lights the night they fail.");
    await page.getByLabel("Scope").fill("Detection only; repairs are out of scope.");
    await page.getByLabel("Transport").check();
    await accessible(page, `details ${how}`, javaScript);
    await page.getByRole("button", { name: "Save and return to the task list" }).click();
    await page.getByText("Your answers are saved").waitFor();

    await page.getByRole("link", { name: "Money" }).click();
    await page.getByLabel("Pot").fill("150,000");
    await page.getByLabel("Most one contract may be worth").fill("£60,000");
    await page.getByLabel("Number of contracts").fill("3");
    await page.getByRole("button", { name: "Save and return to the task list" }).click();
    await page.getByRole("link", { name: /A phase 1 contract can be worth at most £50,000/ }).waitFor();
    assert.equal(await page.getByLabel("Most one contract may be worth").inputValue(), "£60,000");
    await accessible(page, `money with errors ${how}`, javaScript);
    await page.getByLabel("Most one contract may be worth").fill("50,000");
    await page.getByRole("button", { name: "Save and return to the task list" }).click();
    await page.getByText("Your answers are saved").waitFor();

    await page.getByRole("link", { name: "Questions" }).click();
    await page.getByText("There are no questions yet.").waitFor();
    await accessible(page, `empty question builder ${how}`, javaScript);
    await page.getByRole("link", { name: "Add a question" }).click();
    await page.getByLabel("Short title").fill("Innovation");
    await page.getByRole("button", { name: "Save question" }).click();
    await page.getByText("There is a problem").waitFor();
    assert.equal(await page.getByLabel("Short title").inputValue(), "Innovation");
    await accessible(page, `question with errors ${how}`, javaScript);
    await page.getByRole("link", { name: "Back to the questions" }).click();
    for (const q of [
      { title: "Fit to the challenge", text: "How does your idea find failed lights?", words: 500, weight: 30 },
      { title: "Innovation", text: "What is new about it?", words: 500, weight: 30 },
      { title: "Feasibility", text: "How will you test it in twelve weeks?", words: 750, weight: 40, pdf: true },
      { title: "Start date", text: "Can you start within four weeks?", words: 100, passFail: true },
      { title: "Insurance", text: "Do you hold professional indemnity insurance?", words: 100, passFail: true },
    ]) await addQuestion(page, q);
    await page.getByRole("button", { name: "Move up question 3" }).click();
    await page.getByText("The question was moved").waitFor();
    await accessible(page, `question builder with five questions ${how}`, javaScript);
    await page.getByRole("link", { name: "Preview as a supplier will see them" }).click();
    await page.getByRole("heading", { name: "The questions as suppliers will see them" }).waitFor();
    assert.ok(await page.getByText("You may add appendices (pdf), each up to 5 MB.").isVisible());
    await accessible(page, `question preview ${how}`, javaScript);
    await page.goto(page.url().replace(/\/preview$/, ""));

    await page.getByRole("link", { name: "Assessment" }).click();
    assert.equal(await page.getByLabel("Quality threshold, in percent").inputValue(), "70");
    await accessible(page, `assessment ${how}`, javaScript);
    await page.getByRole("button", { name: "Save and return to the task list" }).click();
    await page.getByText("Your answers are saved").waitFor();

    // The dates last, so the opening time is under a minute and a half ahead when it is scheduled.
    const opens = new Date(Math.ceil((Date.now() + 20_000) / 60_000) * 60_000);
    await page.getByRole("link", { name: "Dates" }).click();
    await fillDateTime(page, "Opens (optional)", opens);
    await fillDateTime(page, "Closes", new Date(opens.getTime() + 30 * 86400_000));
    await fillDateTime(page, "Last time for clarification questions", new Date(opens.getTime() + 20 * 86400_000));
    await page.getByRole("button", { name: "Save and return to the task list" }).click();
    await page.getByText("Your answers are saved").waitFor();
    assert.equal(await page.getByText("Completed").count(), 5);
    await accessible(page, `complete task list ${how}`, javaScript);

    await page.getByRole("link", { name: "Check and open the competition" }).click();
    await page.getByRole("heading", { name: "Now schedule the competition" }).waitFor();
    assert.ok(await page.getByText("5 (3 scored)").isVisible());
    await accessible(page, `check page ${how}`, javaScript);
    await page.getByRole("button", { name: "Schedule the competition" }).click();
    await page.getByRole("heading", { name: "Competition scheduled" }).waitFor();
    await accessible(page, `scheduled confirmation ${how}`, javaScript);
    const url = page.url().replace(/\?.*$/, "");

    // Anyone can read it before it opens; the last test sees it open at its time, so the wait
    // for the minute it opens at overlaps the other journeys rather than idling.
    const visitor = await (await browser.newContext({ javaScriptEnabled: javaScript })).newPage();
    await visitor.goto(url);
    assert.ok(await visitor.getByText("Scheduled to open").isVisible());
    await visitor.context().close();
    scheduled.push({ url, how, javaScript });
    await context.close();
  });

  test(`the programme answers a clarification for every bidder and extends one supplier's deadline (${how})`, async () => {
    const context = await browser.newContext({ javaScriptEnabled: javaScript });
    const page = await context.newPage();
    const stamp = `${how}, ${Date.now() % 100000}`;
    const open = async () => {
      await page.goto(base + "/challenges");
      await page.getByRole("link", { name: "Cut damp and mould in social housing" }).click();
      await page.getByRole("link", { name: "See the phase 1 competition" }).click();
      await page.getByRole("heading", { name: "Cut damp and mould in social housing" }).waitFor();
    };

    // A bidder asks; the question is the programme's alone.
    await signIn(page, "Ed Morgan");
    await open();
    await page.getByRole("button", { name: "Send question" }).click();
    await page.getByText("There is a problem").waitFor();
    await accessible(page, `question with errors ${how}`, javaScript);
    await page.getByLabel("Ask a clarification question").fill(`Binsight wonders: may we use drone surveys? (${stamp})`);
    await page.getByRole("button", { name: "Send question" }).click();
    await page.getByText("Your question is sent to the programme team").waitFor();
    await accessible(page, `competition page after asking ${how}`, javaScript);

    await signIn(page, "Priya Shah");
    await open();
    const asked = page.locator("form", { hasText: `may we use drone surveys? (${stamp})` });
    await asked.getByLabel("The question as it will be published").fill(`May a supplier use drone surveys? (${stamp})`);
    await asked.getByRole("button", { name: "Publish answer" }).click();
    await page.getByText("There is a problem").waitFor();
    await accessible(page, `answer with errors ${how}`, javaScript);
    await page.locator("form", { hasText: `drone surveys? (${stamp})` }).getByLabel("Answer").fill("Yes, within the Civil Aviation Authority's rules.");
    await page.locator("form", { hasText: `drone surveys? (${stamp})` }).getByRole("button", { name: "Publish answer" }).click();
    await page.getByText("The answer is published to every bidder").waitFor();
    assert.ok(await page.getByRole("heading", { name: `May a supplier use drone surveys? (${stamp})` }).isVisible());

    // One supplier's deadline moves, with a reason; mistakes are named first.
    await page.getByLabel("One supplier").check();
    await page.getByRole("button", { name: "Extend the deadline" }).click();
    await page.getByText("There is a problem").waitFor();
    assert.ok(await page.getByRole("link", { name: "Choose the supplier whose deadline moves" }).isVisible());
    await accessible(page, `extension with errors ${how}`, javaScript);
    await page.getByLabel("Supplier (if one)").selectOption({ label: "CivicSense Ltd" });
    const until = new Date(Date.now() + (javaScript ? 60 : 61) * 86400_000);
    await fillDateTime(page, "New closing time", until);
    await page.getByLabel("Reason for the extension").fill(`Their director was taken ill (${stamp}).`);
    await page.getByRole("button", { name: "Extend the deadline" }).click();
    await page.getByText("The deadline is extended").waitFor();
    assert.ok(await page.getByText(`Their director was taken ill (${stamp}).`).isVisible());
    await accessible(page, `competition page after the extension ${how}`, javaScript);

    // A question's guidance is amended, with a reason: a bid already submitted is confirmed again.
    await page.getByLabel("Guidance").first().fill(`Say which homes you would survey first (${stamp}).`);
    await page.getByRole("button", { name: "Amend the questions" }).click();
    await page.getByText("There is a problem").waitFor();
    assert.ok(await page.getByRole("link", { name: /Enter the reason/ }).isVisible());
    await accessible(page, `amendment with errors ${how}`, javaScript);
    await page.getByLabel("Reason for the change").fill(`Bidders asked which homes come first (${stamp}).`);
    await page.getByRole("button", { name: "Amend the questions" }).click();
    await page.getByText("The questions are amended").waitFor();

    // Every bidder reads the answer, without who asked; the supplier concerned reads its deadline.
    await signIn(page, "Dana Evans");
    await open();
    assert.ok(await page.getByRole("heading", { name: `May a supplier use drone surveys? (${stamp})` }).isVisible());
    assert.equal(await page.getByText("Binsight wonders").count(), 0);
    assert.ok(await page.getByText(`Say which homes you would survey first (${stamp}).`).isVisible());
    await accessible(page, `competition page with a bid to confirm ${how}`, javaScript);
    await page.getByRole("button", { name: "Confirm your bid" }).click();
    await page.getByText("Your bid is confirmed").waitFor();
    assert.equal(await page.getByRole("button", { name: "Confirm your bid" }).count(), 0);
    await page.getByRole("link", { name: "Notices" }).click();
    await page.getByText(`Question: May a supplier use drone surveys? (${stamp})`).waitFor();
    await signIn(page, "Fatima Khan");
    await open();
    assert.ok(await page.getByText("(extended for your organisation)").isVisible());
    await page.getByRole("link", { name: "Notices" }).click();
    await page.getByText(`The programme team's reason: Their director was taken ill (${stamp}).`).waitFor();
    await accessible(page, `notices of the extension ${how}`, javaScript);
    await context.close();
  });
}

for (const javaScript of [true, false]) {
  const how = javaScript ? "with JavaScript" : "without JavaScript";

  test(`after the close, the programme confirms one bid ineligible and reinstates another (${how})`, async () => {
    const context = await browser.newContext({ javaScriptEnabled: javaScript });
    const page = await context.newPage();
    const stamp = `${how}, ${Date.now() % 100000}`;
    await signIn(page, "Priya Shah");
    await page.goto(base + "/challenges");
    await page.getByRole("link", { name: "Clear fly-tipping faster" }).click();
    await page.getByRole("link", { name: "See the phase 1 competition" }).click();
    await page.getByRole("heading", { name: "Eligibility" }).waitFor();
    assert.ok(await page.getByText("Closed, checking eligibility").first().isVisible());
    await accessible(page, `eligibility check ${how}`, javaScript);

    // Each run finds the bid now ineligible and reinstates it, and finds the other of the two
    // ineligible: the demo's state flips, so the journey can run again.
    const card = (supplier) => page.locator(".govuk-summary-card", { hasText: `, from ${supplier}` });
    const tag = (supplier) => card(supplier).locator("strong.govuk-tag");
    const ineligible = (await tag("Binsight Ltd").innerText()) === "Not eligible" ? "Binsight Ltd" : "CivicSense Ltd";
    const other = ineligible === "Binsight Ltd" ? "CivicSense Ltd" : "Binsight Ltd";

    await card(other).getByLabel("Not eligible").check();
    await card(other).getByRole("button", { name: /Save decision/ }).click();
    await page.getByText("There is a problem").waitFor();
    assert.match(await page.title(), /^Error: /);
    await accessible(page, `eligibility decision with errors ${how}`, javaScript);
    await card(other).getByLabel("Not eligible").check();
    await card(other).getByLabel("Reason").fill(`The proposal is for a different borough (${stamp}).`);
    await card(other).getByRole("button", { name: /Save decision/ }).click();
    await page.getByText("Your decision is saved").waitFor();
    assert.equal(await tag(other).innerText(), "Not eligible");

    await card(ineligible).getByLabel("Eligible", { exact: true }).check();
    await card(ineligible).getByLabel("Reason").fill(`On appeal, the proposal was found in time (${stamp}).`);
    await card(ineligible).getByRole("button", { name: /Save decision/ }).click();
    await page.getByText("Your decision is saved").waitFor();
    assert.ok(await card(ineligible).getByText(`On appeal, the proposal was found in time (${stamp}).`).isVisible());
    await accessible(page, `eligibility after the decisions ${how}`, javaScript);
    assert.ok(await page.getByRole("button", { name: "Finish the eligibility check and assign assessors" }).isVisible());

    // Each supplier is told, with the reason.
    const person = { "Binsight Ltd": "Ed Morgan", "CivicSense Ltd": "Fatima Khan" };
    await signIn(page, person[other]);
    await page.getByRole("link", { name: "Notices" }).click();
    await page.getByText(`is not eligible, so it will not be assessed. The programme team's reason: The proposal is for a different borough (${stamp}).`).waitFor();
    await signIn(page, person[ineligible]);
    await page.getByRole("link", { name: "Notices" }).click();
    await page.getByText(`is eligible after all, and will be assessed. The programme team's reason: On appeal, the proposal was found in time (${stamp}).`).waitFor();
    await accessible(page, `notices of eligibility ${how}`, javaScript);
    await context.close();
  });
}

test("each scheduled competition opens by itself at its time", async () => {
  assert.equal(scheduled.length, 2, "both set-up journeys scheduled a competition");
  for (const { url, how, javaScript } of scheduled) {
    const visitor = await (await browser.newContext({ javaScriptEnabled: javaScript })).newPage();
    const deadline = Date.now() + 240_000;
    for (;;) {
      await visitor.goto(url);
      if (await visitor.getByText("Open for bids").count()) break;
      assert.ok(Date.now() < deadline, "the competition did not open at its time");
      await visitor.waitForTimeout(1000);
    }
    await accessible(visitor, `open competition, as a visitor ${how}`, javaScript);
    await visitor.context().close();
  }
});
