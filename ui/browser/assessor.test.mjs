// An assessor, in Chromium with JavaScript and without: from their work queue, answers a bid given to them, reads it
// beside its scoring form, scores it over two sittings (a draft between them), meets the
// missing-comment error with the rest of the form kept, and submits; another declines a bid for a conflict of interest, its reason asked for first. The
// programme moderates the panel sheet, decides with fewer assessments than the scheme asks (its
// reason asked for first), releases, and the supplier then reads its outcome and feedback. In a
// competition with an interview stage the programme gives the shortlist their slots and records
// the interview scores, which reorder the ranking. axe checks every state.
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

// inAssessment is the first of the demo's competitions in assessment, as the API lists them.
async function inAssessment(page) {
  const all = await (await page.request.get(base + "/api/v1/competitions?when=all")).json();
  const assessing = all.items.find((c) => c.status === "assessment" && !c.scheme?.interview_weight);
  assert.ok(assessing, "the demo has a competition in assessment");
  return assessing;
}

// withInterviews is the demo's competition in assessment that has an interview stage.
async function withInterviews(page) {
  const all = await (await page.request.get(base + "/api/v1/competitions?when=all")).json();
  const found = all.items.find((c) => c.status === "assessment" && c.scheme?.interview_weight);
  assert.ok(found, "the demo has a competition with an interview stage in assessment");
  return found;
}
// portfolioChoice is the label of the panel sheet's first-ranked bid among the portfolio's choices.
const portfolioChoice = (title) => new RegExp(`^1\\. ${title.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} \\(`);
const criteria = ["Fit to the challenge", "Innovation", "Technical feasibility and plan", "Value for money"];

for (const javaScript of [true, false]) {
  const how = javaScript ? "with JavaScript" : "without JavaScript";

  test(`an assessor works from their queue: answers a bid and scores it on its page (${how})`, async () => {
    const context = await browser.newContext({ javaScriptEnabled: javaScript });
    const page = await context.newPage();
    await signIn(page, "Chen Li");
    await page.getByRole("link", { name: "Your assessments", exact: true }).click();
    await page.getByRole("heading", { name: "Your assessments" }).waitFor();
    await accessible(page, `your assessments ${how}`, javaScript);
    // The queue asks for an answer to each bid not yet answered, and opens it.
    await page.getByRole("link", { name: "Your work", exact: true }).click();
    await page.getByRole("heading", { name: "Your work", level: 1 }).waitFor();
    await page.getByRole("link", { name: /^Say whether you will assess this bid/ }).first().click();
    // First only the title and supplier, to check for a conflict of interest.
    await page.getByRole("heading", { name: "Will you assess this bid?" }).waitFor();
    const title = (await page.locator(".govuk-summary-list__row", { hasText: "Bid" }).locator("dd").textContent()).trim();
    assert.equal(await page.getByRole("heading", { name: "Your scores" }).count(), 0, "the bid shows before the assessor answers");
    await accessible(page, `an assignment to answer ${how}`, javaScript);
    await page.getByRole("button", { name: "Yes, I have no conflict and will assess it" }).click();
    await page.getByText("You will assess this bid").waitFor();
    await page.getByRole("heading", { name: "Your scores" }).waitFor();
    await accessible(page, `scoring page ${how}`, javaScript);

    // The first sitting: two scores, saved as a draft that counts for nothing yet.
    for (const c of criteria.slice(0, 2)) {
      const group = page.getByRole("group", { name: new RegExp(`^${c}`) });
      await group.getByLabel("Score").fill("7");
      await group.getByLabel("Comment").fill(`${c}: the evidence is clear.`);
    }
    await page.getByRole("button", { name: "Save and come back later" }).click();
    await page.getByText("Your scores are saved as a draft").waitFor();
    assert.ok(await page.locator("tr", { hasText: title }).getByText("In progress").isVisible());
    await accessible(page, `assessments with a draft ${how}`, javaScript);

    // The second sitting: what was entered is there; the rest is added and submitted.
    await page.locator("tr", { hasText: title }).getByRole("link").click();
    await page.getByText(/You saved this draft on/).waitFor();
    assert.equal(await page.getByRole("group", { name: /^Innovation/ }).getByLabel("Comment").inputValue(), "Innovation: the evidence is clear.");
    await page.getByRole("group", { name: /^Innovation/ }).locator("summary", { hasText: "What the scores mean" }).click();
    await page.getByRole("group", { name: /^Innovation/ }).getByText("9 to 10: Excellent").waitFor();
    await accessible(page, `scoring page with its draft and the score bands ${how}`, javaScript);
    for (const c of criteria.slice(2)) {
      const group = page.getByRole("group", { name: new RegExp(`^${c}`) });
      await group.getByLabel("Score").fill("7");
      if (c !== "Value for money") await group.getByLabel("Comment").fill(`${c}: the evidence is clear.`);
    }
    await page.getByRole("group", { name: "Is the bid in scope?" }).getByLabel("Yes").check();
    await page.getByRole("group", { name: "Would you fund it?" }).getByLabel("Yes").check();
    await page.getByRole("button", { name: "Submit your scores" }).click();
    await page.getByText("There is a problem").waitFor();
    await page.getByRole("link", { name: /Enter your comment on Value for money/ }).waitFor();
    assert.equal(await page.getByRole("group", { name: /^Innovation/ }).getByLabel("Comment").inputValue(), "Innovation: the evidence is clear.");
    await accessible(page, `scoring with a missing comment ${how}`, javaScript);

    await page.getByRole("group", { name: /^Value for money/ }).getByLabel("Comment").fill("Fair price for twelve weeks.");
    await page.getByRole("button", { name: "Submit your scores" }).click();
    await page.getByText("Your scores are saved").waitFor();
    assert.ok(await page.locator("tr", { hasText: title }).getByText("Scored").isVisible());
    await accessible(page, `assessments after scoring ${how}`, javaScript);
    // Done: the queue no longer asks for the bid, and says what the assessor did.
    await page.getByRole("link", { name: "Your work", exact: true }).click();
    await page.getByRole("heading", { name: "Your work", level: 1 }).waitFor();
    assert.equal(await page.getByRole("link", { name: new RegExp(`: "${title.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"`) }).count(), 0,
      "the queue still asks for a bid scored");
    await page.locator("#done").getByText(/accepted/).first().waitFor();
    await accessible(page, `your work after scoring ${how}`, javaScript);
    await context.close();
  });

  test(`an assessor declines a bid for a conflict of interest (${how})`, async () => {
    const context = await browser.newContext({ javaScriptEnabled: javaScript });
    const page = await context.newPage();
    await signIn(page, "Amara Okafor");
    await page.getByRole("link", { name: "Your assessments", exact: true }).click();
    const row = page.locator("tr", { hasText: "Not answered" }).first();
    const title = await row.getByRole("link").textContent();
    await row.getByRole("link").click();
    await page.getByRole("heading", { name: "Will you assess this bid?" }).waitFor();
    await page.getByText("Decline this bid").click();
    await page.getByLabel("I have a conflict of interest with the bid or its supplier").check();
    await page.getByRole("button", { name: "Decline the bid" }).click();
    await page.getByRole("link", { name: "Say what the conflict of interest is" }).waitFor();
    await accessible(page, `a decline without its reason ${how}`, javaScript);
    await page.getByLabel("Your interest, or anything the programme team should know").fill("I advised this supplier last year.");
    await page.getByRole("button", { name: "Decline the bid" }).click();
    await page.getByText("your interest is recorded").waitFor();
    assert.equal(await page.getByRole("link", { name: title, exact: true }).count(), 0, "a declined bid is still listed");
    await context.close();
  });

  test(`the programme reads the panel sheet and moderates a score (${how})`, async () => {
    const context = await browser.newContext({ javaScriptEnabled: javaScript });
    const page = await context.newPage();
    await signIn(page, "Priya Shah");
    const assessing = await inAssessment(page);
    await page.goto(`${base}/competitions/${assessing.id}`);
    await page.getByRole("link", { name: "Read the panel sheet" }).click();
    await page.getByRole("heading", { name: "Panel sheet" }).waitFor();
    assert.ok(await page.getByRole("table", { name: "Ranking" }).isVisible());
    await accessible(page, `panel sheet ${how}`, javaScript);

    // Exclude the flagged outlier: the reason asked for first, then it is out of the mean and the
    // ranking moves at once; then it is back in.
    const panel = async () => (await page.request.get(`${base}/api/v1/competitions/${assessing.id}/panel`)).json();
    const before = (await panel()).rows.find((r) => r.flags.length > 0);
    assert.ok(before, "the demo's panel sheet flags an outlier");
    const low = before.assessors.filter((a) => !a.excluded).sort((a, b) => a.percent - b.percent)[0];
    const box = page.locator("details", { has: page.locator(`[name="reason-${low.assessment_id}"]`) });
    await box.locator("summary").click();
    await box.getByRole("button", { name: "Exclude the score" }).click();
    await page.getByRole("link", { name: "Enter the reason for excluding the score" }).waitFor();
    await accessible(page, `an exclusion without its reason ${how}`, javaScript);
    await page.locator("details[open]").getByLabel("Reason").fill("Scored against last year's questions.");
    await page.locator("details[open]").getByRole("button", { name: "Exclude the score" }).click();
    await page.getByText("The score is out of the mean").waitFor();
    await page.getByText("Scored against last year's questions.").waitFor();
    const after = (await panel()).rows.find((r) => r.bid_id === before.bid_id);
    assert.ok(after.percent > before.percent, `the mean rose from ${before.percent} to ${after.percent}`);
    assert.ok(after.rank < before.rank || before.rank === 1, `the rank moved from ${before.rank} to ${after.rank}`);
    const ranked = page.getByRole("table", { name: "Ranking" }).locator("tbody tr", { hasText: before.title });
    await ranked.getByText(`${after.percent.toFixed(1)}%`).first().waitFor();
    assert.equal((await ranked.locator("td").first().textContent()).trim(), String(after.rank));
    await accessible(page, `a score excluded ${how}`, javaScript);
    await page.getByRole("button", { name: /^Include again/ }).first().click();
    await page.getByText("The score is back in the mean").waitFor();

    // Not every bid is scored yet: the decision is refused, saying why, and nothing is decided.
    await page.getByLabel("Top down, from the ranking").check();
    await page.getByRole("button", { name: "Propose the decision" }).click();
    await page.getByRole("link", { name: /^The decision cannot be made yet: / }).waitFor();
    await accessible(page, `a decision refused ${how}`, javaScript);
    await context.close();
  });

  test(`the programme reviews the assignment of assessors, its mistakes named first (${how})`, async () => {
    const context = await browser.newContext({ javaScriptEnabled: javaScript });
    const page = await context.newPage();
    await signIn(page, "Priya Shah");
    const assessing = await inAssessment(page);
    await page.goto(`${base}/competitions/${assessing.id}`);
    await page.getByRole("link", { name: "Review the assignment of assessors" }).click();
    await page.getByRole("heading", { name: "Assignment of assessors" }).waitFor();
    await page.getByText(/^Released on /).waitFor();
    await accessible(page, `the assignment ${how}`, javaScript);

    // Every assessor is on every bid already: a swap to one of them is refused, saying why.
    // The pairings that stand (accepted, or not answered yet: the programme sees which) offer a swap.
    assert.ok(await page.locator("tbody tr", { hasText: /Accepted|Not answered/ }).count() > 0, "no pairing says its assessor's answer");
    const row = page.locator("tbody tr").filter({ has: page.locator("summary", { hasText: "Swap" }) }).first();
    await row.locator("summary", { hasText: "Swap" }).click();
    const swapTo = await row.getByLabel("Give the bid to").locator("option").nth(1).textContent();
    await row.getByLabel("Give the bid to").selectOption({ label: swapTo });
    await row.getByLabel("Why").fill("Balancing the load after a late withdrawal.");
    await row.getByRole("button", { name: "Swap the assessor" }).click();
    await page.getByText("There is a problem").waitFor();
    await page.getByRole("link", { name: /has had this bid already|has scored the bid/ }).waitFor();
    await accessible(page, `a swap refused ${how}`, javaScript);

    // A new assessor joins the pool (the admin adds people; the programme officer does not), and
    // a bid not yet scored goes to them with the reason kept.
    const name = `Noor Haddad (${javaScript ? "with" : "without"} JavaScript)`;
    await page.goto(`${base}/people`);
    assert.equal(await page.getByRole("button", { name: "Add person" }).count(), 0, "the programme officer is offered adding people");
    const admin = await (await browser.newContext({ javaScriptEnabled: javaScript })).newPage();
    await signIn(admin, "Hannah Price");
    await admin.goto(`${base}/people`);
    await admin.getByLabel("Full name").fill(name);
    await admin.getByLabel("Email address").fill(`noor.${javaScript ? "js" : "nojs"}.${Date.now() % 100000}@panel.example`);
    await admin.getByLabel("Assessor", { exact: true }).check();
    await admin.getByLabel("Organisation").selectOption({ label: "Anytown Council (public body)" });
    await admin.getByRole("button", { name: "Add person" }).click();
    await admin.getByText(`${name} can now sign in`).waitFor();
    await admin.context().close();
    const proposal = await (await page.request.get(`${base}/api/v1/competitions/${assessing.id}/assignment-proposal`)).json();
    const sheet = await (await page.request.get(`${base}/api/v1/competitions/${assessing.id}/panel`)).json();
    const scored = new Set(sheet.rows.flatMap((r) => r.assessors.map((a) => `${r.bid_id}:${a.assessor_id}`)));
    const open = proposal.assignments.find((a) => a.status === "assigned" && a.assessor !== "Chen Li" && !scored.has(`${a.bid_id}:${a.assessor_id}`));
    assert.ok(open, "an assignment not yet scored");
    await page.goto(`${base}/competitions/${assessing.id}/assignments`);
    const mine = page.locator(`#assignment-${open.id}`);
    await mine.locator("summary", { hasText: "Swap" }).click();
    await mine.getByLabel("Give the bid to").selectOption({ label: `${name} (0 bids)` });
    await mine.getByLabel("Why").fill(`${open.assessor} is away until the assessment closes.`);
    await mine.getByRole("button", { name: "Swap the assessor" }).click();
    await page.getByText("The bid goes to the assessor you chose").waitFor();
    const given = page.locator("tbody tr", { hasText: name });
    await given.getByText(`Chosen by the programme team: ${open.assessor} is away until the assessment closes.`).waitFor();
    await page.locator(`#assignment-${open.id}`).getByText(/^Swapped: /).waitFor();
    await accessible(page, `a swap made ${how}`, javaScript);
    await context.close();
  });

  test(`the programme decides with too few assessors, releases, and a supplier reads its feedback (${how})`, async () => {
    const context = await browser.newContext({ javaScriptEnabled: javaScript });
    const page = await context.newPage();
    await signIn(page, "Priya Shah");
    const assessing = await inAssessment(page);
    const sheet = await (await page.request.get(`${base}/api/v1/competitions/${assessing.id}/panel`)).json();
    const top = sheet.rows[0];
    await page.goto(`${base}/competitions/${assessing.id}/panel`);
    await page.getByText(/fewer than the \d assessments the scheme asks for/).waitFor();

    // Going ahead with fewer assessments needs a reason, asked for before anything is decided. With
    // JavaScript the panel picks a portfolio of the top bid alone; without, it goes top down.
    if (javaScript) {
      await page.getByLabel("A portfolio: the bids ticked below").check();
      await page.getByLabel(portfolioChoice(top.title)).check();
    } else {
      await page.getByLabel("Top down, from the ranking").check();
    }
    await page.getByLabel("Go ahead with at least this many assessments a bid").fill("0");
    await page.getByRole("button", { name: "Propose the decision" }).click();
    await page.getByRole("link", { name: "Enter why the decision goes ahead with fewer assessments" }).waitFor();
    await accessible(page, `a lower minimum without its reason ${how}`, javaScript);
    assert.equal(await page.getByLabel("Go ahead with at least this many assessments a bid").inputValue(), "0");
    await page.getByLabel("Why the decision goes ahead with fewer assessments").fill("Two assessors withdrew; the programme board agreed to decide on the scores given.");
    await page.locator("summary", { hasText: "Add the panel's reasons for particular bids" }).click();
    await page.getByLabel(`Reason for ${top.title}, ${top.supplier}`).fill("The panel liked the plan to test with the council's own data.");
    await page.getByRole("button", { name: "Propose the decision" }).click();
    await page.getByText("The decision is proposed").waitFor();
    await accessible(page, `a decision proposed ${how}`, javaScript);

    // The panel chair approves it from her work, within her delegated limit; a refusal would
    // need a reason, asked for first.
    const grace = await (await browser.newContext({ javaScriptEnabled: javaScript })).newPage();
    await signIn(grace, "Grace Hall");
    await grace.getByRole("link", { name: "Your work", exact: true }).click();
    await grace.getByRole("heading", { name: "Your work", level: 1 }).waitFor();
    await grace.locator(`a[href="/competitions/${assessing.id}/panel#proposal"]`).first().click();
    await grace.getByRole("heading", { name: "The proposed decision" }).waitFor();
    await accessible(grace, `a decision to approve ${how}`, javaScript);
    await grace.getByLabel("Refuse it, and send it back to the programme").check();
    await grace.getByRole("button", { name: "Send your answer" }).click();
    await grace.getByRole("link", { name: "Say why you refuse it: the programme reads it" }).waitFor();
    await accessible(grace, `a refusal without its reason ${how}`, javaScript);
    await grace.getByLabel("Approve it").check();
    await grace.getByLabel("Your reason").fill("Within the round's budget.");
    await grace.getByRole("button", { name: "Send your answer" }).click();
    await grace.getByText("Your approval is recorded").waitFor();
    await grace.getByText("grace.hall@catalyst.example, within a delegated limit of £1,000,000.00").waitFor();
    await grace.context().close();
    await page.goto(`${base}/competitions/${assessing.id}/panel`);
    await page.getByRole("button", { name: "Release outcomes and feedback" }).waitFor();
    await accessible(page, `a decision held back ${how}`, javaScript);

    // Until the release the supplier reads nothing of it.
    const supplierName = { "Acme Analytics Ltd": "Dana Evans", "Binsight Ltd": "Ed Morgan", "CivicSense Ltd": "Fatima Khan" }[top.supplier];
    const supplier = await (await browser.newContext({ javaScriptEnabled: javaScript })).newPage();
    await signIn(supplier, supplierName);
    await supplier.goto(`${base}/bids/${top.bid_id}`);
    await supplier.getByText("The outcome and the assessors' feedback are released together").waitFor();
    assert.equal(await supplier.getByText("Feedback from the assessors").count(), 0);

    await page.getByRole("button", { name: "Release outcomes and feedback" }).click();
    await page.getByText("Every outcome and its feedback is released").waitFor();
    await accessible(page, `outcomes released ${how}`, javaScript);

    await supplier.getByRole("link", { name: /^Notices/ }).first().click();
    await supplier.getByText(`The outcome of your bid “${top.title}”`).first().waitFor();
    await supplier.goto(`${base}/bids/${top.bid_id}`);
    await supplier.getByRole("heading", { name: "Feedback from the assessors" }).waitFor();
    await supplier.getByText("The panel's reason: The panel liked the plan to test with the council's own data.").waitFor();
    assert.ok(await supplier.getByText(/^Assessor 1: /).first().isVisible());
    await accessible(supplier, `a supplier's released outcome and feedback ${how}`, javaScript);
    await supplier.context().close();
    await context.close();
  });

  test(`the programme interviews the shortlist, and the interviews move the ranking (${how})`, async () => {
    const context = await browser.newContext({ javaScriptEnabled: javaScript });
    const page = await context.newPage();
    await signIn(page, "Priya Shah");
    const comp = await withInterviews(page);
    await page.goto(`${base}/competitions/${comp.id}/panel`);
    await page.getByRole("link", { name: "Schedule and score the interviews" }).click();
    await page.getByRole("heading", { name: "Interviews", exact: true }).waitFor();
    await accessible(page, `the interview shortlist ${how}`, javaScript);
    const { shortlist } = await (await page.request.get(`${base}/api/v1/competitions/${comp.id}/interviews`)).json();
    assert.equal(shortlist.length, 2, "the two bids at or above the threshold are shortlisted");
    const [best, next] = shortlist; // best written score first

    // A slot without its place is refused with the rest kept; then it is saved, and the supplier told.
    const card = (b) => page.locator(`#bid-${b.bid_id}`);
    const when = card(next).getByRole("group", { name: /^When is/ });
    await when.getByLabel("Day").fill("15");
    await when.getByLabel("Month").fill("3");
    await when.getByLabel("Year").fill(String(new Date().getFullYear() + 1));
    await when.getByLabel("Time").fill("2:30pm");
    await card(next).getByLabel("Where").fill("");
    await card(next).getByRole("button", { name: /^(Save the slot|Move the interview)/ }).click();
    await page.getByRole("link", { name: "Enter where the interview is held, or the link to join it" }).waitFor();
    assert.equal(await card(next).getByRole("group", { name: /^When is/ }).getByLabel("Time").inputValue(), "2:30pm");
    await accessible(page, `an interview slot without its place ${how}`, javaScript);
    await card(next).getByLabel("Where").fill("Committee Room 2, Anytown Town Hall");
    await card(next).getByRole("button", { name: /^(Save the slot|Move the interview)/ }).click();
    await page.getByText("The interview slot is saved, and the supplier is told").waitFor();
    await card(next).getByText(/2:30pm on 15 March/).waitFor();

    // Scores: a percentage and the panel's reasons, asked for first.
    await card(best).getByLabel(/^Interview score for/).fill("150");
    await card(best).getByLabel("The panel's reasons").fill("");
    await card(best).getByRole("button", { name: /^Save the interview score/ }).click();
    await page.getByRole("link", { name: "Enter the interview score as a percentage from 0 to 100" }).waitFor();
    await page.getByRole("link", { name: "Enter the interview panel's reasons for the score" }).waitFor();
    await accessible(page, `an interview score refused ${how}`, javaScript);
    for (const [b, pct, why] of [[best, "60", "Vague on how the trial would reach residents."], [next, "95", "A clear plan to test with the contact centre's own calls."]]) {
      await card(b).getByLabel(/^Interview score for/).fill(pct);
      await card(b).getByLabel("The panel's reasons").fill(why);
      await card(b).getByRole("button", { name: /^Save the interview score/ }).click();
      await page.getByText("The interview score is saved").waitFor();
    }
    await accessible(page, `the interviews scored ${how}`, javaScript);

    // 80% written and 95% at interview (84.5%) now ranks above 90% and 60% (81%).
    await page.getByRole("link", { name: "Back to the panel sheet" }).click();
    const first = page.getByRole("table", { name: "Ranking" }).locator("tbody tr").filter({ hasText: /^\s*1\s/ }).first();
    await first.getByText(next.title).waitFor();
    await first.getByText("84.5%").waitFor();
    await first.getByText("written 80.0%, interview 95.0%").waitFor();

    // The decision is made once, in the run without JavaScript, so both runs find the stage open.
    if (!javaScript) {
      await page.getByLabel("A portfolio: the bids ticked below").check();
      await page.getByLabel(portfolioChoice(next.title)).check();
      await page.getByRole("button", { name: "Propose the decision" }).click();
      await page.getByText("The decision is proposed").waitFor();
      const grace = await (await browser.newContext({ javaScriptEnabled: javaScript })).newPage();
      await signIn(grace, "Grace Hall");
      await grace.goto(`${base}/competitions/${comp.id}/panel`);
      await grace.getByLabel("Approve it").check();
      await grace.getByRole("button", { name: "Send your answer" }).click();
      await grace.getByText("Your approval is recorded").waitFor();
      await grace.context().close();
      await page.goto(`${base}/competitions/${comp.id}/panel`);
      await page.getByRole("button", { name: "Release outcomes and feedback" }).click();
      await page.getByText("Every outcome and its feedback is released").waitFor();
      const supplierName = { "Acme Analytics Ltd": "Dana Evans", "Binsight Ltd": "Ed Morgan", "CivicSense Ltd": "Fatima Khan" }[next.supplier];
      const supplier = await (await browser.newContext({ javaScriptEnabled: javaScript })).newPage();
      await signIn(supplier, supplierName);
      await supplier.goto(`${base}/bids/${next.bid_id}`);
      await supplier.getByText("95.0%: A clear plan to test with the contact centre's own calls.").waitFor();
      await supplier.getByText(/95.00% at interview, 84.50% with the interview weighted at 30%/).waitFor();
      await accessible(supplier, `a supplier's outcome with its interview ${how}`, javaScript);
      await supplier.context().close();
    }
    await context.close();
  });
}
