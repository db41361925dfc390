// A contract from award to payment, in Chromium with JavaScript and without: the supplier
// accepts the contract offered to it, sends its midpoint progress update and submits a
// deliverable with a document (meeting the missing note first); the challenge owner gives the
// midpoint status and accepts the deliverable and the payment's due date shows on both
// sides; the programme team sees it due and cannot pay it; finance records the payment from its
// work and the spend so far moves. axe checks every state.
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
const challenge = "Route gritters by road temperature";

// binsightContract is the demo's phase 1 contract for Binsight on the gritters challenge.
async function binsightContract(page) {
  const all = await (await page.request.get(base + "/api/v1/contracts")).json();
  const k = all.items.find((c) => c.challenge_title === challenge && c.organisation_name === "Binsight Ltd");
  assert.ok(k, "the demo has Binsight's contract for the gritters challenge");
  return k;
}

// The payment's due date as the pages write it: 30 days from today, in UK time.
function dueIn30Days() {
  const d = new Date(Date.now() + 30 * 24 * 3600 * 1000);
  return d.toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "Europe/London" });
}

for (const javaScript of [true, false]) {
  const how = javaScript ? "with JavaScript" : "without JavaScript";

  test(`a milestone is delivered, accepted and paid (${how})`, async () => {
    // The supplier finds its contract from its bids, accepts it if it is still an offer, and
    // delivers the next milestone.
    const ed = await (await browser.newContext({ javaScriptEnabled: javaScript })).newPage();
    await signIn(ed, "Ed Morgan");
    await ed.getByRole("link", { name: "Your bids and contracts", exact: true }).click();
    await ed.getByRole("link", { name: /^Contract worth/ }).first().waitFor();
    const k = await binsightContract(ed);
    await ed.goto(`${base}/contracts/${k.id}`);
    await ed.getByRole("heading", { name: "Binsight Ltd", level: 1 }).waitFor();
    await accessible(ed, `the supplier's contract ${how}`, javaScript);
    if (k.status === "offered") {
      await ed.getByRole("button", { name: "Accept the contract" }).click();
      await ed.getByText("You have accepted the contract").waitFor();
      await accessible(ed, `the accepted contract ${how}`, javaScript);
    }
    const next = (await binsightContract(ed)).milestones.find((m) => m.status === "planned");
    assert.ok(next, "a milestone is still to deliver");
    // The supplier's list says the milestone is due, and links to where it is delivered.
    await ed.getByRole("link", { name: "Your bids and contracts", exact: true }).click();
    await ed.getByRole("heading", { name: /^Needs you now/ }).waitFor();
    await accessible(ed, `the supplier's list with a contract running ${how}`, javaScript);
    await ed.locator(`a[href="/contracts/${k.id}#milestone-${next.number}"]`).click();
    await ed.getByRole("heading", { name: "Binsight Ltd", level: 1 }).waitFor();
    const card = ed.locator(`#milestone-${next.number}`);
    await card.getByLabel("Add a document to the deliverable").setInputFiles({ name: `milestone-${next.number}.pdf`,
      mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n") });
    await card.getByRole("button", { name: `Upload document for milestone ${next.number}` }).click();
    await ed.getByText("The document is uploaded").waitFor();
    await ed.locator(`#milestone-${next.number}`).getByRole("button", { name: `Submit the deliverable for milestone ${next.number}` }).click();
    await ed.getByRole("link", { name: /Enter a note on what you are delivering/ }).waitFor();
    await accessible(ed, `the refused deliverable ${how}`, javaScript);
    await ed.getByLabel(`What are you delivering for milestone ${next.number}?`).fill("The routing model, tested on last winter's data.");
    await ed.locator(`#milestone-${next.number}`).getByRole("button", { name: `Submit the deliverable for milestone ${next.number}` }).click();
    await ed.getByText("The deliverable is submitted").waitFor();
    assert.match(await ed.locator(`#milestone-row-${next.number}`).textContent(), /Submitted for review/);
    // The supplier's work says the deliverable now waits on the challenge owner.
    await ed.getByRole("link", { name: "Your work", exact: true }).click();
    await ed.getByRole("heading", { name: "Waiting on others" }).waitFor();
    const waiting = ed.locator(".govuk-task-list__item", { has: ed.locator(`a[href="/contracts/${k.id}#milestone-${next.number}"]`) });
    assert.match(await waiting.last().textContent(), /Review the deliverable[\s\S]*Waiting on the challenge owner/);
    await accessible(ed, `the supplier's work, waiting on the owner ${how}`, javaScript);
    await ed.goto(`${base}/contracts/${k.id}`);

    // The midpoint review: the supplier's progress update.
    await ed.getByLabel("Your progress update").fill(`Routing tested on last winter's data (${how}).`);
    await ed.getByRole("button", { name: "Send the progress update" }).click();
    await ed.getByText("Your progress update is sent").waitFor();

    // The owner is told, reads the deliverable with its document, and accepts it.
    const tom = await (await browser.newContext({ javaScriptEnabled: javaScript })).newPage();
    await signIn(tom, "Tom Reed");
    await tom.getByRole("link", { name: "Notices", exact: true }).click();
    await tom.getByText(new RegExp(`Binsight Ltd submitted the deliverable for milestone ${next.number}`)).first().waitFor();
    // The owner's work asks for the review, and opens the milestone.
    await tom.getByRole("link", { name: "Your work", exact: true }).click();
    await tom.getByRole("heading", { name: "Your work", level: 1 }).waitFor();
    await accessible(tom, `the owner's work with a deliverable to review ${how}`, javaScript);
    await tom.locator(`a[href="/contracts/${k.id}#milestone-${next.number}"]`, { hasText: "Review the deliverable" }).first().click();
    await tom.getByRole("heading", { name: "Binsight Ltd", level: 1 }).waitFor();
    const review = tom.locator(`#milestone-${next.number}`);
    assert.ok(await review.getByRole("link", { name: `milestone-${next.number}.pdf` }).isVisible());
    await accessible(tom, `the owner's review ${how}`, javaScript);
    // The owner gives the midpoint status, having read the update.
    assert.match(await tom.locator("#midpoint ~ dl").first().textContent(), new RegExp(`Routing tested on last winter's data \\(${how}\\)`));
    await tom.getByLabel("Amber: at risk").check();
    await tom.getByLabel("Your note").fill("The live feed is a risk.");
    await tom.getByRole("button", { name: "Record the status" }).click();
    await tom.getByText("The midpoint status is recorded").waitFor();
    await review.getByLabel("Yes, accept it").check();
    await review.getByRole("button", { name: `Save the review of milestone ${next.number}` }).click();
    await tom.getByText("The deliverable is accepted").waitFor();
    const due = dueIn30Days();
    assert.match(await tom.locator(`#milestone-row-${next.number}`).textContent(), new RegExp(`Accepted, payment due.*${due}`, "s"));
    await accessible(tom, `the accepted deliverable ${how}`, javaScript);

    // The programme team sees what is due, and has no way to pay it: finance records payments.
    const priya = await (await browser.newContext({ javaScriptEnabled: javaScript })).newPage();
    await signIn(priya, "Priya Shah");
    await priya.getByRole("link", { name: "Contracts", exact: true }).click();
    await priya.getByRole("heading", { name: "Contracts", level: 1 }).waitFor();
    await accessible(priya, `the programme's contracts ${how}`, javaScript);
    await priya.goto(`${base}/contracts/${k.id}`);
    assert.equal(await priya.getByRole("button", { name: `Record the payment of milestone ${next.number}` }).count(), 0,
      "the programme team is offered the payment");
    // Finance, from its work, records the payment; the supplier sees it paid.
    const sam = await (await browser.newContext({ javaScriptEnabled: javaScript })).newPage();
    await signIn(sam, "Sam Patel");
    await sam.getByRole("link", { name: "Your work", exact: true }).click();
    await sam.getByRole("heading", { name: "Your work", level: 1 }).waitFor();
    await accessible(sam, `finance's work ${how}`, javaScript);
    await sam.locator(`a[href="/contracts/${k.id}#milestone-${next.number}"]`, { hasText: "Record the payment" }).first().click();
    await sam.getByRole("heading", { name: "Binsight Ltd", level: 1 }).waitFor();
    const spentBefore = await sam.locator("#money").textContent();
    await sam.getByRole("button", { name: `Record the payment of milestone ${next.number}` }).click();
    await sam.getByText("The payment is recorded").waitFor();
    assert.match(await sam.locator(`#milestone-row-${next.number}`).textContent(), /Paid/);
    assert.notEqual(await sam.locator("#money").textContent(), spentBefore, "the money moved");
    await accessible(sam, `the recorded payment ${how}`, javaScript);

    await ed.goto(`${base}/contracts/${k.id}`);
    assert.match(await ed.locator(`#milestone-row-${next.number}`).textContent(), new RegExp(`Paid.*${due}`, "s"));
    const after = await binsightContract(ed);
    assert.equal(after.paid_pence, after.milestones.filter((m) => m.status === "paid").reduce((s, m) => s + m.amount_pence, 0));
    for (const p of [ed, tom, priya, sam]) await p.context().close();
  });

  test(`the supplier writes its end-of-phase report (${how})`, async () => {
    // With JavaScript Acme reports on its gritters contract, without it Binsight does.
    const [who, org] = javaScript ? ["Dana Evans", "Acme Analytics Ltd"] : ["Ed Morgan", "Binsight Ltd"];
    const page = await (await browser.newContext({ javaScriptEnabled: javaScript })).newPage();
    await signIn(page, who);
    const all = await (await page.request.get(base + "/api/v1/contracts")).json();
    const k = all.items.find((c) => c.challenge_title === challenge && c.organisation_name === org);
    assert.equal(k?.status, "active", `${org}'s gritters contract is running`);
    await page.goto(`${base}/contracts/${k.id}`);
    await page.getByLabel("Add a document to the report").setInputFiles({ name: "trial-results.pdf", mimeType: "application/pdf",
      buffer: Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n") });
    await page.getByRole("button", { name: "Upload the document" }).click();
    await page.getByText("The document is uploaded").waitFor();
    await page.getByRole("link", { name: "trial-results.pdf" }).waitFor();

    // Every section is needed: the gate reads each.
    await page.getByRole("button", { name: "Submit the report" }).click();
    await page.getByRole("link", { name: /Enter the summary/ }).waitFor();
    await page.getByRole("link", { name: /Enter how you applied the Service Standard/ }).waitFor();
    await accessible(page, `the refused report ${how}`, javaScript);
    const sections = ["Summary", "Your understanding of the problem", "Your original hypothesis", "How you tested it, and the evidence",
      "What you learnt", "Changes you made", "Barriers", "User needs", "Next steps and the biggest risks",
      "How you applied the Service Standard and the Technology Code of Practice"];
    for (const label of sections) {
      await page.getByLabel(label, { exact: true }).fill(`${label}: what the trial on four winter routes showed (${how}).`);
    }
    await page.getByRole("button", { name: "Submit the report" }).click();
    await page.getByText("Your end-of-phase report is submitted").waitFor();
    assert.match(await page.locator("#report ~ dl").first().textContent(), /Barriers: what the trial on four winter routes showed/);
    await accessible(page, `the submitted report ${how}`, javaScript);
    const after = (await (await page.request.get(base + `/api/v1/contracts/${k.id}`)).json());
    assert.equal(after.status, "reported");
    assert.ok(after.gate_missing.includes("the show-and-tell, held and recorded"), "the gate still needs the show-and-tell");
    await page.context().close();
  });
}
