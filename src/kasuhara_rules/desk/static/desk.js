// Progressive enhancement only: every page works without this file.
// "Add a row" copies the row template in the page instead of asking the server again.
"use strict";
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-add-row]");
  if (!button) { return; }
  var name = button.getAttribute("data-add-row");
  var list = button.closest("fieldset");
  var template = list && list.querySelector("template[data-template-of]");
  var rows = list && list.querySelector("ol[data-rows-of]");
  var counter = list && list.querySelector("input[data-rows]");
  if (!template || !rows || !counter || template.getAttribute("data-template-of") !== name) { return; }
  event.preventDefault();
  var index = parseInt(counter.value, 10) || 0;
  var html = template.innerHTML.split("__ROW__").join(String(index));
  rows.insertAdjacentHTML("beforeend", html);
  counter.value = String(index + 1);
  var added = rows.lastElementChild;
  var first = added && added.querySelector("input, select, textarea");
  if (first) { first.focus(); }
});
// A form sent once: its submit buttons wait for the answer (no double journal entries from a double tap).
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.dataset.sent === "1") { event.preventDefault(); return; }
  form.dataset.sent = "1";
});
