// The programme's figures, in Chromium with JavaScript and without: the programme team reads
// who it reaches, how fast it moves, the money and what stopping saved, and the funnel, each a
// chart drawn on the server with its table; it sets a target, meeting a wrong one first. axe
// checks every state.
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

  test(`the programme reads its figures and sets a target (${how})`, async () => {
    const priya = await (await browser.newContext({ javaScriptEnabled: javaScript })).newPage();
    await signIn(priya, "Priya Shah");
    await priya.getByRole("link", { name: "Figures", exact: true }).click();
    await priya.getByRole("heading", { name: "The programme's figures" }).waitFor();
    await accessible(priya, `the figures ${how}`, javaScript);

    // Each chart is an image named for what it shows, with its figures in a table.
    for (const name of ["Who the programme reaches", "How fast the programme moves", "Money by round", "From challenges to adoption"]) {
      await priya.getByRole("img", { name }).waitFor();
    }
    const reach = priya.getByRole("table", { name: "Shares of bidders and winners" });
    const sme = reach.getByRole("row", { name: /Small and medium-sized enterprises/ });
    assert.match(await sme.textContent(), /\d+%[\s\S]*\d+ of \d+[\s\S]*92%/, "the SME share beside its target");
    const funnel = priya.getByRole("table", { name: "Each step of the programme" });
    const bids = await funnel.getByRole("row", { name: /Bids submitted/ }).textContent();
    assert.ok(Number(bids.replace(/\D+/g, "")) > 10, `the demo data's bids are counted: ${bids}`);
    const saved = await priya.getByRole("table", { name: "Money by challenge and round" }).getByRole("row", { name: /All rounds/ }).textContent();
    assert.match(saved, /£[\d,]+\.\d\d\s*$/, "what stopping saved, in all");

    // A wrong target is named, and what was typed kept.
    const days = priya.getByLabel("Days from the close to the decision");
    await days.fill("three weeks");
    await priya.getByRole("button", { name: "Save the targets" }).click();
    await priya.getByRole("link", { name: /Enter Days from the close to the decision as a whole number/ }).waitFor();
    assert.equal(await priya.getByLabel("Days from the close to the decision").inputValue(), "three weeks");
    await accessible(priya, `a wrong target ${how}`, javaScript);

    await priya.getByLabel("Days from the close to the decision").fill("15");
    await priya.getByRole("button", { name: "Save the targets" }).click();
    await priya.getByText("The targets are saved").waitFor();
    const time = priya.getByRole("table", { name: "Turnarounds in days" });
    assert.match(await time.getByRole("row", { name: /close to the decision/ }).textContent(), /15/);
    await accessible(priya, `the saved targets ${how}`, javaScript);

    // Back to the default, for the other run.
    await priya.getByLabel("Days from the close to the decision").fill("21");
    await priya.getByRole("button", { name: "Save the targets" }).click();
    await priya.getByText("The targets are saved").waitFor();
  });
}

for (const javaScript of [true, false]) {
  const how = javaScript ? "with JavaScript" : "without JavaScript";

  test(`anyone finds the open contracting data (${how})`, async () => {
    const anyone = await (await browser.newContext({ javaScriptEnabled: javaScript })).newPage();
    await anyone.goto(base + "/");
    await anyone.getByRole("link", { name: "Open contracting data" }).click();
    await anyone.getByRole("heading", { name: "Open contracting data" }).waitFor();
    const table = anyone.getByRole("table", { name: /Competitions published, by ocid/ });
    assert.ok(await table.getByRole("row").count() > 10, "the demo data's competitions are published");
    assert.ok(await table.getByText("award", { exact: false }).count() > 0, "awards are published once released");
    await accessible(anyone, `the open data page ${how}`, javaScript);
    const bulk = await anyone.request.get(base + "/ocds/releases.json");
    assert.equal(bulk.status(), 200);
    const pkg = await bulk.json();
    assert.equal(pkg.version, "1.1");
    assert.ok(pkg.releases.length > 20);
  });
}
