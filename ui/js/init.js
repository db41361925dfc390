// Marks the page as able to run GOV.UK Frontend, then starts its components. A module file, not
// an inline script, so the content security policy can forbid inline scripts.
import { initAll } from "/assets/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
