// The media library's chooser in the post form: the featured image widget, and an "Image"
// button placing a picture in the body. With the Markdown editor (window.GroupblogEditor) the
// button joins its toolbar; without it, a button above the plain body textarea inserts at the
// cursor. Every picture of the chooser can also be copied as Markdown.
(function () {
  "use strict";

  var chooserUrl = null;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") { node.textContent = attrs[key]; } else { node.setAttribute(key, attrs[key]); }
    });
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }

  function copyText(text, button) {
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

  // A modal listing the library; onChoose(item) gets the chosen picture's record.
  function openChooser(heading, chooseLabel, onChoose) {
    var search = el("input", { type: "search", placeholder: "Search descriptions, captions, credits…", "aria-label": "Search the library" });
    var close = el("button", { type: "button", class: "button", text: "Close" });
    var grid = el("ul", { class: "image-dialog__grid" });
    var status = el("span", { class: "image-dialog__status", role: "status" });
    var previous = el("button", { type: "button", class: "button", text: "‹ Newer" });
    var next = el("button", { type: "button", class: "button", text: "Older ›" });
    var upload = el("a", { class: "button", target: "_blank", rel: "noopener", text: "Upload pictures (new tab)" });
    upload.hidden = true;
    var dialog = el("dialog", { class: "image-dialog", "aria-label": heading }, [
      el("div", { class: "image-dialog__head" }, [el("h2", { text: heading }), search, close]),
      grid,
      el("div", { class: "image-dialog__foot" }, [status, el("span", {}, [upload, previous, next])]),
    ]);
    var page = 1;
    var timer = null;

    function load() {
      var url = chooserUrl + "?page=" + page + "&q=" + encodeURIComponent(search.value);
      status.textContent = "Loading…";
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) { throw new Error("The library answered " + response.status + "."); }
          return response.json();
        })
        .then(function (data) {
          grid.textContent = "";
          data.results.forEach(function (item) {
            var pick = el("button", { type: "button", class: "image-dialog__pick", title: chooseLabel + ": " + item.title }, [
              el("img", { src: item.thumbnail, alt: item.alt || item.title, width: "140", height: "140", loading: "lazy" }),
            ]);
            pick.addEventListener("click", function () { dialog.close(); onChoose(item); });
            var copy = el("button", { type: "button", class: "button", text: "Copy Markdown" });
            copy.addEventListener("click", function () { copyText(item.markdown, copy); });
            grid.appendChild(el("li", { "data-image-id": String(item.id) }, [
              pick,
              el("span", { class: "image-dialog__title", title: item.title, text: item.title }),
              el("span", { class: "image-dialog__row" }, [copy]),
            ]));
          });
          status.textContent = data.count
            ? data.count + " picture" + (data.count === 1 ? "" : "s") + " · page " + data.page + " of " + data.pages
            : (search.value ? "No picture matches." : "The library is empty.");
          previous.disabled = data.page <= 1;
          next.disabled = data.page >= data.pages;
          if (data.upload_url) { upload.href = data.upload_url; upload.hidden = false; }
        })
        .catch(function (error) { status.textContent = "The library could not be loaded: " + error.message; });
    }

    search.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { page = 1; load(); }, 250);
    });
    previous.addEventListener("click", function () { page -= 1; load(); });
    next.addEventListener("click", function () { page += 1; load(); });
    close.addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("close", function () { dialog.remove(); });
    document.body.appendChild(dialog);
    dialog.showModal();
    search.focus();
    load();
  }

  // A figure is a paragraph of its own: blank lines around it unless already there.
  // A figure is a paragraph of its own: blank lines around it, as many as the text needs.
  function asParagraph(textarea, text) {
    var before = textarea.value.slice(0, textarea.selectionStart);
    var after = textarea.value.slice(textarea.selectionEnd);
    var prefix = !before ? "" : before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
    var suffix = !after ? "\n" : after.startsWith("\n\n") ? "" : after.startsWith("\n") ? "\n" : "\n\n";
    return prefix + text + suffix;
  }

  function insertIntoTextarea(textarea, text) {
    var start = textarea.selectionStart, end = textarea.selectionEnd;
    var block = asParagraph(textarea, text);
    textarea.focus();
    textarea.setRangeText(block, start, end, "end");
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function setUpFeaturedWidget(widget) {
    var input = widget.querySelector("input[data-image-id-input]");
    var preview = widget.querySelector(".image-chooser__preview");
    var title = widget.querySelector(".image-chooser__title");
    var choose = widget.querySelector("[data-image-choose]");
    var clear = widget.querySelector("[data-image-clear]");
    choose.hidden = false;
    choose.addEventListener("click", function () {
      openChooser("Choose the featured image", "Use as featured image", function (item) {
        input.value = item.id;
        preview.textContent = "";
        preview.appendChild(el("img", { src: item.thumbnail, alt: "", width: "96", height: "96" }));
        title.textContent = item.title + " (" + item.width + "×" + item.height + ")";
        clear.hidden = false;
      });
    });
    clear.addEventListener("click", function () {
      input.value = "";
      preview.textContent = "No picture";
      title.textContent = "No featured image";
      clear.hidden = true;
    });
  }

  var registered = false;
  var plainBar = null;

  function chooseForBody(insert) {
    openChooser("Insert an image", "Insert", function (item) { insert(item.markdown); });
  }

  // The Markdown editor's toolbar button, once window.GroupblogEditor exists (it may appear
  // after this script: the editor announces itself with a "groupblog:editor-ready" event).
  function registerWithEditor() {
    if (registered || !chooserUrl || !(window.GroupblogEditor && window.GroupblogEditor.registerButton)) {
      return false;
    }
    registered = true;
    if (plainBar) { plainBar.remove(); plainBar = null; }
    window.GroupblogEditor.registerButton({
      name: "image",
      label: "Image",
      title: "Insert an image from the media library",
      action: function (editor) {
        chooseForBody(function (markdown) {
          editor.insertAtCursor(asParagraph(editor.textarea, markdown));
        });
      },
    });
    return true;
  }

  function setUpBodyButton() {
    if (registerWithEditor()) { return; }
    var body = document.getElementById("id_body");
    if (!body || body.tagName !== "TEXTAREA") { return; }
    var button = el("button", { type: "button", class: "button", "data-image-insert": "", title: "Insert an image from the media library at the cursor", text: "Insert image" });
    button.addEventListener("click", function () {
      chooseForBody(function (markdown) { insertIntoTextarea(body, markdown); });
    });
    var row = body.closest(".flex-container") || body;
    plainBar = el("div", { class: "image-insert-bar" }, [button]);
    row.insertAdjacentElement("afterend", plainBar);
  }

  document.addEventListener("groupblog:editor-ready", registerWithEditor);

  document.addEventListener("DOMContentLoaded", function () {
    var widgets = document.querySelectorAll("[data-image-chooser]");
    if (!widgets.length || typeof HTMLDialogElement === "undefined") { return; }
    chooserUrl = widgets[0].dataset.chooserUrl;
    widgets.forEach(setUpFeaturedWidget);
    // After the other DOMContentLoaded handlers, so an editor set up in one is found.
    setTimeout(setUpBodyButton, 0);
  });
})();
