// The supplier import, in Chromium with JavaScript and without: the programme officer finds it
// from the people page, is told to choose a file, uploads a CSV, reads row by row what it would
// do (a row without an email refused with its row number), imports it and is told what was
// done; the same file again adds nobody. axe checks every state.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, accessible as check, signIn } from "./journey.mjs";

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

  test(`the programme imports suppliers from a spreadsheet (${how})`, async () => {
    const run = `${javaScript ? "js" : "nojs"}${Date.now()}`;
    const csv = Buffer.from(
      "organisation_name,companies_house_number,person_name,email\r\n" +
        `Birch ${run} Ltd,,Bea Birch,bea@${run}.example\r\n` +
        `Birch ${run} Ltd,,Bo Birch,bo@${run}.example\r\n` +
        `Birch ${run} Ltd,,No Email,\r\n`,
    );
    const upload = async (page) => {
      await page.getByLabel("Upload a CSV file").setInputFiles({ name: "suppliers.csv", mimeType: "text/csv", buffer: csv });
      await page.getByRole("button", { name: "Check the file" }).click();
      await page.getByRole("heading", { name: "Check the suppliers to import" }).waitFor();
    };

    const priya = await (await browser.newContext({ javaScriptEnabled: javaScript })).newPage();
    await signIn(priya, "Priya Shah");
    await priya.getByRole("link", { name: "People", exact: true }).click();
    await priya.getByRole("link", { name: "Import suppliers from a spreadsheet" }).click();
    await priya.getByRole("heading", { name: "Import suppliers", exact: true }).waitFor();
    await accessible(priya, `the supplier import ${how}`, javaScript);

    await priya.getByRole("button", { name: "Check the file" }).click();
    await priya.getByRole("link", { name: "Choose a CSV file of suppliers to import" }).waitFor();
    await accessible(priya, `the supplier import with no file ${how}`, javaScript);

    await upload(priya);
    await priya.getByText("Nothing has been imported yet").waitFor();
    const refused = priya.getByRole("table", { name: "Rows refused" });
    await refused.getByRole("row", { name: /4 Enter the person's email address/ }).waitFor();
    await priya.getByRole("table", { name: "People to add" }).getByText(`bea@${run}.example`).waitFor();
    await accessible(priya, `the supplier import's preview ${how}`, javaScript);

    await priya.getByRole("button", { name: "Import 2 people" }).click();
    await priya.getByRole("heading", { name: "Suppliers imported" }).waitFor();
    await priya.getByText("2 people were added and can now sign in").waitFor();
    await priya.getByRole("table", { name: "People added" }).getByRole("link", { name: "Bea Birch" }).waitFor();
    await accessible(priya, `the suppliers imported ${how}`, javaScript);

    // The same file again: everyone is already here, so nobody is offered for import.
    await upload(priya);
    await priya.getByText("There is nobody new to add from this file.").waitFor();
    assert.equal(await priya.getByRole("button", { name: /^Import / }).count(), 0, "an import of nobody is offered");
  });
}
