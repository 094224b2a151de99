// The meeting page: say plainly what is saved and what is not, and lose nothing that was typed.
// htmx posts an item when a field changes; here we mark edits as unsaved until the server says
// "Sparat", keep the text in place when the connection drops, and send it again when it is back.
(function () {
  function state(form, text, kind) {
    var line = document.getElementById("state-" + form.dataset.item);
    if (!line) return;
    line.textContent = text;
    line.dataset.state = kind;
    form.dataset.unsaved = kind === "saved" ? "" : "yes";
  }
  function itemForm(el) { return el && el.closest ? el.closest("form.item-form") : null; }

  document.addEventListener("input", function (e) {
    var form = itemForm(e.target);
    if (form) state(form, "Ändrat – inte sparat ännu", "dirty");
  });
  document.body.addEventListener("htmx:beforeRequest", function (e) {
    var form = itemForm(e.target);
    if (form) state(form, "Sparar…", "saving");
  });
  document.body.addEventListener("htmx:afterRequest", function (e) {
    var form = itemForm(e.target);
    if (!form || !e.detail.successful || e.detail.xhr.status !== 200) return;  // 409/422 re-draw the item
    form.dataset.unsaved = "";
    var line = document.getElementById("state-" + form.dataset.item);
    if (line) line.dataset.state = "saved";
    // Saved over a conflict on purpose: the notice about it no longer applies.
    var article = form.closest("article");
    if (article && article.classList.contains("conflict")) {
      article.classList.remove("conflict");
      var notice = article.querySelector(".error-summary");
      if (notice) notice.remove();
    }
  });
  document.body.addEventListener("htmx:sendError", function (e) {
    var form = itemForm(e.target);
    if (form) state(form, "Inte sparat: ingen anslutning. Din text finns kvar och sparas när anslutningen är tillbaka.", "offline");
  });
  document.body.addEventListener("htmx:responseError", function (e) {
    var form = itemForm(e.target);
    if (form) state(form, "Inte sparat: fel hos servern (" + e.detail.xhr.status + "). Din text finns kvar; försök igen.", "error");
  });
  window.addEventListener("online", function () {
    document.querySelectorAll("form.item-form[data-unsaved=yes]").forEach(function (form) { htmx.trigger(form, "submit"); });
  });
  window.addEventListener("beforeunload", function (e) {
    if (document.querySelector("form.item-form[data-unsaved=yes]")) { e.preventDefault(); e.returnValue = ""; }
  });
})();
