/* Tag suggestions for the post form's tags field: the tags are still typed as text separated by
   commas (the field works the same without this script); while typing a tag, existing tags
   containing what was typed are offered below the field (↑ ↓ Enter, Escape, or a click). */
(function () {
  "use strict";

  var DELAY_MS = 200;

  function start() {
    var config = document.getElementById("post-editor-config");
    var form = document.getElementById("post_form");
    var input = form && form.elements.namedItem("tags");
    if (!config || !input || input.tagName !== "INPUT" || input.readOnly) { return; }
    var url = config.dataset.tagsUrl;

    var wrapper = document.createElement("div");
    wrapper.className = "tag-suggest";
    input.parentNode.insertBefore(wrapper, input);
    wrapper.appendChild(input);
    var list = document.createElement("ul");
    list.className = "tag-suggest__list";
    list.id = input.id + "-suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Existing tags");
    list.hidden = true;
    wrapper.appendChild(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");

    var timer = null, sequence = 0, active = -1, options = [];

    // The tag being typed: from the comma before the cursor to the comma after it.
    function current() {
      var value = input.value, at = input.selectionStart;
      var start = value.lastIndexOf(",", at - 1) + 1;
      var end = value.indexOf(",", at);
      if (end === -1) { end = value.length; }
      var raw = value.slice(start, end);
      return {start: start, end: end, text: raw.trim().replace(/^"|"$/g, "").trim()};
    }

    function close() {
      list.hidden = true;
      list.textContent = "";
      options = [];
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      active = index;
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({block: "nearest"});
      }
    }

    function choose(name) {
      var part = current();
      var quoted = /[,\s"]/.test(name) ? '"' + name.replace(/"/g, "") + '"' : name;
      var before = input.value.slice(0, part.start);
      var after = input.value.slice(part.end).replace(/^\s*,?\s*/, "");
      var lead = before && !/\s$/.test(before) ? " " : "";
      var text = before + lead + quoted + ", ";
      input.value = text + after;
      input.setSelectionRange(text.length, text.length);
      input.dispatchEvent(new Event("change", {bubbles: true}));
      close();
      input.focus();
    }

    function show(names, typed) {
      close();
      var chosen = input.value.split(",").map(function (t) {
        return t.trim().replace(/^"|"$/g, "").toLowerCase();
      });
      names = names.filter(function (name) {
        return name.toLowerCase() === typed.toLowerCase() || chosen.indexOf(name.toLowerCase()) === -1;
      });
      if (!names.length) { return; }
      names.forEach(function (name, i) {
        var option = document.createElement("li");
        option.className = "tag-suggest__option";
        option.id = list.id + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = name;
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();  // keep the focus in the field
          choose(name);
        });
        list.appendChild(option);
        options.push(option);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function lookup() {
      var typed = current().text;
      if (!typed) { close(); return; }
      var mine = ++sequence;
      fetch(url + "?q=" + encodeURIComponent(typed), {
        credentials: "same-origin", headers: {"Accept": "application/json"}
      }).then(function (response) {
        return response.ok ? response.json() : {results: []};
      }).then(function (answer) {
        if (mine !== sequence || document.activeElement !== input) { return; }
        show(answer.results.map(function (r) { return r.name; }), typed);
      }).catch(function () { /* suggestions are a help only: typing works without them */ });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(lookup, DELAY_MS);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) { return; }
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        var step = event.key === "ArrowDown" ? 1 : -1;
        highlight((active + step + options.length) % options.length);
      } else if ((event.key === "Enter" || event.key === "Tab") && active >= 0) {
        event.preventDefault();  // Enter takes the tag instead of submitting the form
        choose(options[active].textContent);
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", function () { window.setTimeout(close, 100); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
