// Every page: an htmx request that ends in 4xx/5xx (one htmx does not swap in, see the
// htmx-config in base.html) or never reaches the server shows a visible Swedish message instead
// of nothing. The meeting page's item forms say it in their own state line (meeting.js).
(function () {
  var MESSAGES = {
    400: "Uppgifterna kunde inte tas emot.",
    403: "Du har inte behörighet att göra det här.",
    404: "Det du bad om finns inte (längre).",
    413: "Det du skickade är för stort.",
  };
  function show(text) {
    var toast = document.getElementById("toast");
    if (!toast) return;
    toast.querySelector(".toast-text").textContent = text;
    toast.hidden = false;
  }
  function ownErrorArea(el) { return el && el.closest && el.closest("form.item-form"); }
  function detail(xhr) {
    // Our error page says what went wrong in its role="alert" paragraph.
    try {
      var doc = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
      var p = doc.querySelector("main [role=alert]");
      return p ? p.textContent.trim().slice(0, 300) : "";
    } catch (err) { return ""; }
  }
  document.addEventListener("htmx:responseError", function (e) {
    if (ownErrorArea(e.target)) return;
    var status = e.detail.xhr.status;
    var base = MESSAGES[status] || (status >= 500 ? "Något gick fel hos tjänsten; inget ändrades." : "Det gick inte att utföra.");
    var more = detail(e.detail.xhr);
    show(base + (more && more !== base ? " " + more : "") + " (fel " + status + ")");
  });
  document.addEventListener("htmx:sendError", function (e) {
    if (ownErrorArea(e.target)) return;
    show("Ingen kontakt med tjänsten. Kontrollera anslutningen och försök igen.");
  });
  document.addEventListener("click", function (e) {
    var close = e.target.closest && e.target.closest("#toast button");
    if (close) document.getElementById("toast").hidden = true;
  });
})();
