// Marks the page as able to run GOV.UK Frontend, then starts its components. A module file, not
// an inline script, so the content security policy can forbid inline scripts.
import { initAll } from "/assets/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// Autosave: a form marked data-autosave is also sent in the background a moment after the
// person stops typing, to the same address and with the same fields as its own save, so that
// nothing typed is lost if the browser closes. Without JavaScript the form's buttons save it.
for (const form of document.querySelectorAll("form[data-autosave]")) {
  const status = form.querySelector("#autosave-status");
  const version = form.querySelector("input[name=version]");
  let timer = null;
  let sending = null;
  const send = async () => {
    const body = new FormData(form);
    body.set("autosave", "1");
    body.delete("then");
    try {
      const res = await fetch(form.action, { method: "POST", body, headers: { Accept: "application/json" }, credentials: "same-origin" });
      const out = await res.json();
      if (out.saved && version) version.value = String(out.version);
      if (status) status.textContent = out.message;
    } catch {
      if (status) status.textContent = "Not saved: check your connection. Your text is still here; save it with the button below.";
    }
  };
  const save = async () => {
    timer = null;
    if (sending) await sending;
    sending = send();
    await sending;
    sending = null;
  };
  form.addEventListener("input", () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, 1500);
  });
  // A button save waits for a background save in flight, so the two never race on the version.
  form.addEventListener("submit", async (event) => {
    if (!timer && !sending) return;
    event.preventDefault();
    const button = event.submitter;
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    if (sending) await sending;
    // Submitted again from a fresh task: a form ignores requestSubmit while its submit event runs.
    setTimeout(() => form.requestSubmit(button), 0);
  });
}
