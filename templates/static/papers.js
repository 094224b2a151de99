// Upload progress of the papers form (htmx sends the boosted form and reports progress).
document.addEventListener("htmx:xhr:progress", function (event) {
  var form = event.target.closest && event.target.closest("form.paper-upload");
  if (!form || !event.detail.lengthComputable) return;
  var bar = form.querySelector(".upload-progress");
  bar.hidden = false;
  bar.value = Math.round((event.detail.loaded / event.detail.total) * 100);
});
