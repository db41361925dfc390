// The stage gate, in Chromium with JavaScript and without, on a demo challenge whose phase 1
// contracts wait at the gate: the programme meets the gate's refusal naming the evidence still
// missing, records the show-and-tell, the owner recommends, the programme decides the
// challenge-level go, continues one supplier and stops the other with its lesson; both sides
// see the stopped contract's spend; a continued supplier reads its phase 2 invitation; the
// lesson is in the public register. axe checks every state.
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
const challenges = { true: "Spot blocked gullies from photos", false: "Warn of school bus delays" };

async function contractsOf(page, title) {
  const all = await (await page.request.get(base + "/api/v1/contracts")).json();
  const mine = all.items.filter((c) => c.challenge_title === title && c.phase === 1);
  assert.equal(mine.length, 2, `the demo has two phase 1 contracts for “${title}”`);
  return { lead: mine.find((c) => c.organisation_name.startsWith("Acme")), second: mine.find((c) => c.organisation_name.startsWith("Binsight")) };
}

// ukParts is a moment as the UK writes it on a form: day, month, year, and a 24-hour time.
function ukParts(d) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-GB", {
    timeZone: "Europe/London", day: "numeric", month: "numeric", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  }).formatToParts(d).map((p) => [p.type, p.value]));
  return { day: parts.day, month: parts.month, year: parts.year, hour: parts.hour, minute: parts.minute };
}

for (const javaScript of [true, false]) {
  const how = javaScript ? "with JavaScript" : "without JavaScript";
  const title = challenges[javaScript];

  test(`the stage gate continues one supplier and stops another (${how})`, async () => {
    const priya = await (await browser.newContext({ javaScriptEnabled: javaScript })).newPage();
    await signIn(priya, "Priya Shah");
    const { lead, second } = await contractsOf(priya, title);
    assert.equal(lead.status, "reported");

    // Too soon: the gate is not offered, and the page names what it still needs.
    await priya.goto(`${base}/contracts/${lead.id}`);
    await priya.getByRole("heading", { name: /^Acme/, level: 1 }).waitFor();
    await accessible(priya, `a contract waiting at the gate ${how}`, javaScript);
    await priya.getByText("You cannot record the gate's decision yet: the gate needs the challenge-level go or no-go, the show-and-tell, held and recorded, the challenge owner's recommendation first.").waitFor();
    assert.equal(await priya.getByRole("button", { name: "Record the decision" }).count(), 0, "the gate's decision is not offered before its evidence");

    // The show-and-tell is held and recorded; the owner recommends. It is scheduled for
    // tomorrow, so it cannot be recorded as held until it was: brought forward to a few minutes
    // ago, it is recorded with when it was held.
    await priya.getByLabel("Who attended").fill("Tom Reed, Priya Shah, two residents");
    await priya.getByLabel("Notes").fill("A live demonstration on last month's photos; questions on cost answered.");
    await priya.getByRole("button", { name: "Record the show-and-tell" }).click();
    await priya.getByRole("link", { name: /can be recorded only once it has been held/ }).waitFor();
    await accessible(priya, `a show-and-tell recorded before its time ${how}`, javaScript);
    const held = ukParts(new Date(Date.now() - 5 * 60 * 1000));
    const when = priya.getByRole("group", { name: "When was it held?" });
    await when.getByLabel("Day").fill(held.day);
    await when.getByLabel("Month").fill(held.month);
    await when.getByLabel("Year").fill(held.year);
    await when.getByLabel("Time").fill(`${held.hour}:${held.minute}`);
    assert.equal(await priya.getByLabel("Who attended").inputValue(), "Tom Reed, Priya Shah, two residents", "what was typed is kept");
    await priya.getByRole("button", { name: "Record the show-and-tell" }).click();
    await priya.getByText("The show-and-tell is recorded").waitFor();

    const tom = await (await browser.newContext({ javaScriptEnabled: javaScript })).newPage();
    await signIn(tom, "Tom Reed");
    await tom.goto(`${base}/contracts/${lead.id}`);
    await tom.getByLabel("Recommend it continues to phase 2").check();
    await tom.getByLabel("Why do you recommend it?").fill("It finds the blocked gullies our round misses.");
    await tom.getByRole("button", { name: "Record the recommendation" }).click();
    await tom.getByText("Your recommendation is recorded").waitFor();
    await accessible(tom, `the owner's recommendation ${how}`, javaScript);

    // The challenge-level go, with every criterion met.
    await priya.goto(`${base}/challenges/${lead.challenge_id}`);
    await priya.getByRole("heading", { name: "Decide the challenge-level gate" }).waitFor();
    await accessible(priya, `the challenge-level gate ${how}`, javaScript);
    const go = priya.locator('form[action$="/gate"]');
    await go.getByLabel("Go", { exact: true }).check();
    for (const c of ["Phase 2 has a high chance of success", "The budget for phase 2 is there", "The work meets the Service Standard and the Technology Code of Practice"]) {
      await go.getByLabel(c).check();
    }
    await go.getByLabel("Rationale").fill("The lead supplier's trial worked, the budget is there and the standards are met.");
    await go.getByRole("button", { name: "Record the decision" }).click();
    await priya.getByText("The challenge-level decision is recorded").waitFor();

    // Continue the lead supplier.
    await priya.goto(`${base}/contracts/${lead.id}`);
    let gate = priya.locator('form[action$="/gate"]');
    await gate.getByLabel("Continue to phase 2").check();
    await gate.getByLabel("Rationale").fill("The trial met its target and the owner recommends a prototype.");
    await gate.getByRole("button", { name: "Record the decision" }).click();
    await priya.getByText("The gate's decision is recorded").waitFor();
    assert.match(await priya.locator("#gate-decision").textContent(), /Continued to phase 2/);

    // Stop the second, which needs its lesson first; it closes at its spend so far.
    const lessonWhy = `The photos could not be matched to gullies (${how})`;
    await priya.goto(`${base}/contracts/${second.id}`);
    gate = priya.locator('form[action$="/gate"]');
    await gate.getByLabel("Stop", { exact: true }).check();
    await gate.getByLabel("Rationale").fill("The approach cannot find gullies from the photos the council has.");
    await gate.getByRole("button", { name: "Record the decision" }).click();
    await priya.getByRole("link", { name: /Enter what worked/ }).waitFor();
    await accessible(priya, `a stop without its lesson ${how}`, javaScript);
    gate = priya.locator('form[action$="/gate"]');
    await gate.getByLabel("What worked").fill("Residents sent photos willingly.");
    await gate.getByLabel("What failed").fill("Matching a photo to a gully.");
    await gate.getByLabel("Why", { exact: true }).fill(lessonWhy);
    await gate.getByRole("button", { name: "Record the decision" }).click();
    await priya.getByText("The gate's decision is recorded").waitFor();
    const spend = await priya.locator("#stopped").textContent();
    assert.match(spend, /It closed at its spend so far: £[\d,.]+ of the £[\d,.]+ awarded/);
    await accessible(priya, `the stopped contract ${how}`, javaScript);

    // The stopped supplier reads the same figure and the rationale.
    const ed = await (await browser.newContext({ javaScriptEnabled: javaScript })).newPage();
    await signIn(ed, "Ed Morgan");
    await ed.getByRole("link", { name: "Notices", exact: true }).click();
    await ed.getByText(/The stage gate decided on your contract: stopped at the gate/).first().waitFor();
    await ed.goto(`${base}/contracts/${second.id}`);
    assert.equal(await ed.locator("#stopped").textContent(), spend);
    assert.match(await ed.locator("#gate-decision").textContent(), /cannot find gullies/);
    await accessible(ed, `the supplier's stopped contract ${how}`, javaScript);

    // The owner sees the whole challenge: the money against the caps, with the stop's saving.
    await tom.goto(`${base}/challenges/${lead.challenge_id}`);
    await tom.getByRole("link", { name: /See the whole challenge/ }).click();
    await tom.getByRole("img", { name: "Money against the caps, by phase" }).waitFor();
    assert.match(await tom.locator("#money").textContent(), /saved by stops/);
    await accessible(tom, `the owner's view of the challenge ${how}`, javaScript);

    // A continued supplier is invited to phase 2 (the demo's phase 2 competitions did so).
    const dana = await (await browser.newContext({ javaScriptEnabled: javaScript })).newPage();
    await signIn(dana, "Dana Evans");
    await dana.getByRole("link", { name: "Notices", exact: true }).click();
    await dana.getByText(/You are invited to bid in the phase 2 competition of/).first().waitFor();
    await dana.getByRole("link", { name: "See the competition" }).first().click();
    await dana.getByRole("heading", { level: 1 }).waitFor();
    assert.match(await dana.textContent("body"), /Phase 2/i);

    // The lesson is in the public register, found by its words.
    const anyone = await (await browser.newContext({ javaScriptEnabled: javaScript })).newPage();
    await anyone.goto(`${base}/lessons`);
    // Words of this lesson alone: other journeys write lessons "(${how})" at the same time.
    await anyone.getByLabel("Words to look for").fill(`gullies (${how})`);
    await anyone.getByRole("button", { name: "Search the lessons" }).click();
    await anyone.getByText("1 lesson", { exact: true }).waitFor();
    assert.match(await anyone.locator(".govuk-summary-card").textContent(), new RegExp(lessonWhy.replace(/[()]/g, "\\$&")));
    await accessible(anyone, `the lessons register ${how}`, javaScript);
    for (const p of [priya, tom, ed, dana, anyone]) await p.context().close();
  });
}
