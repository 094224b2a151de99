// A list of people to tick: typing in its search box hides the rows that do not match (by name,
// title, department or union). Without JavaScript every row shows and ticking works the same.
(function () {
  function filter(input) {
    var table = document.getElementById(input.dataset.filter);
    if (!table) return;
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    table.querySelectorAll("tbody tr").forEach(function (row) {
      var box = row.querySelector("input[type=checkbox]");
      var text = row.textContent.toLowerCase();
      var match = (box && box.checked) || words.every(function (w) { return text.indexOf(w) >= 0; });
      row.hidden = !match;
      if (match) shown += 1;
    });
    var count = document.getElementById(input.dataset.filter + "-count");
    if (count) count.textContent = shown + (shown === 1 ? " person visas" : " personer visas");
  }
  document.addEventListener("input", function (e) {
    if (e.target.matches && e.target.matches("input[data-filter]")) filter(e.target);
  });
})();
