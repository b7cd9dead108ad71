// The media library's pages: "Copy Markdown" buttons and the focal point picker.
(function () {
  "use strict";

  function copy(text, button) {
    var done = function () {
      var label = button.textContent;
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = label; }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { window.prompt("Copy this Markdown:", text); });
    } else {
      window.prompt("Copy this Markdown:", text);
    }
  }

  function setUpCopyButtons() {
    document.querySelectorAll("[data-copy-markdown]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { copy(button.dataset.copyMarkdown, button); });
    });
  }

  function setUpFocalPicker() {
    var picker = document.querySelector("[data-focal-picker]");
    var x = document.getElementById("id_focal_x");
    var y = document.getElementById("id_focal_y");
    if (!picker || !x || !y) { return; }
    var dot = picker.querySelector(".focal-picker__dot");
    var place = function () {
      var fx = Math.min(1, Math.max(0, parseFloat(x.value) || 0));
      var fy = Math.min(1, Math.max(0, parseFloat(y.value) || 0));
      dot.style.left = (fx * 100) + "%";
      dot.style.top = (fy * 100) + "%";
    };
    picker.addEventListener("click", function (event) {
      var box = picker.querySelector("img").getBoundingClientRect();
      var fx = (event.clientX - box.left) / box.width;
      var fy = (event.clientY - box.top) / box.height;
      x.value = Math.min(1, Math.max(0, fx)).toFixed(2);
      y.value = Math.min(1, Math.max(0, fy)).toFixed(2);
      place();
    });
    x.addEventListener("input", place);
    y.addEventListener("input", place);
  }

  // Several large files can outweigh what one request may carry: say so before sending.
  function setUpUploadLimit() {
    var form = document.querySelector("form[data-max-bytes]");
    if (!form) { return; }
    var limit = parseInt(form.dataset.maxBytes, 10);
    var note = form.querySelector("[data-upload-too-big]");
    form.addEventListener("submit", function (event) {
      var total = 0;
      form.querySelectorAll("input[type=file]").forEach(function (input) {
        Array.prototype.forEach.call(input.files || [], function (file) { total += file.size; });
      });
      if (limit && total > limit) {
        event.preventDefault();
        note.hidden = false;
        note.scrollIntoView({ block: "center" });
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpUploadLimit();
    setUpCopyButtons();
    setUpFocalPicker();
  });
})();
