/* The post form's Markdown editor: a toolbar (bold, italic, link, heading, quote with attribution,
   lists, code; Ctrl/Cmd+B, I, K), the body box, a live preview rendered by the server with the
   code that renders published posts, and a live word count with the reading time. Side by side on
   wide screens, "Write | Preview" tabs on narrow ones.

   The body <textarea> stays the one field of the form: the editor only wraps it, so saving,
   autosave (post_editing.js) and the page without JavaScript work the same.

   Other scripts add buttons with
     window.GroupblogEditor.registerButton({name, label, title, action: function (editor) {…}})
   before or after the editor starts; ``editor`` offers insertAtCursor(text),
   wrapSelection(before, after[, placeholder]), refreshPreview() and textarea.
   This file is loaded first and not deferred, so the API exists for every script after it. */
(function () {
  "use strict";

  var WORDS_PER_MINUTE = 230;
  var PREVIEW_DELAY_MS = 400;
  var WIDE = "(min-width: 1024px)";

  var api = window.GroupblogEditor || {};
  var queued = Array.isArray(api.queue) ? api.queue : [];
  var extraButtons = [];
  var editors = [];

  function registerButton(spec) {
    if (!spec || typeof spec.name !== "string" || typeof spec.action !== "function") {
      throw new TypeError("registerButton needs {name, label, title, action(editor)}");
    }
    extraButtons = extraButtons.filter(function (b) { return b.name !== spec.name; });
    extraButtons.push(spec);
    editors.forEach(function (editor) { editor.addButton(spec); });
  }

  api.registerButton = registerButton;
  api.editors = editors;
  api.queue = {push: registerButton};
  window.GroupblogEditor = api;
  queued.forEach(registerButton);

  // --- counting --------------------------------------------------------------------------------

  var WORD = /[\p{L}\p{N}]+(?:['’\-][\p{L}\p{N}]+)*/gu;

  function countWords(source) {
    var text = source
      .replace(/```[\s\S]*?```/g, " ")            // fenced code is not read as prose
      .replace(/<[^>]*>/g, " ")                   // raw HTML tags
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")  // links and images: their text only
      .replace(/https?:\/\/\S+/g, " ");
    var words = text.match(WORD);
    return words ? words.length : 0;
  }

  function statsText(words) {
    if (!words) { return "No words yet"; }
    var minutes = Math.max(1, Math.round(words / WORDS_PER_MINUTE));
    return words.toLocaleString() + (words === 1 ? " word" : " words") + " · " + minutes +
      " min read";
  }

  // --- the editor ------------------------------------------------------------------------------

  function Editor(textarea, config, form) {
    this.textarea = textarea;
    this.form = form;
    this.previewUrl = config.dataset.previewUrl;
    this.maxChars = parseInt(config.dataset.maxChars, 10) || 400000;
    this.sequence = 0;
    this.timer = null;
    this.dirty = true;
    this.wide = window.matchMedia ? window.matchMedia(WIDE) : {matches: true};
    this.build();
    this.bind();
    this.updateStats();
    this.schedulePreview(0);
  }

  Editor.prototype.build = function () {
    var textarea = this.textarea;
    var root = document.createElement("div");
    root.className = "md-editor";
    root.dataset.mode = "write";

    var bar = element("div", "md-editor__bar");
    this.toolbar = element("div", "md-editor__toolbar");
    this.toolbar.setAttribute("role", "toolbar");
    this.toolbar.setAttribute("aria-label", "Formatting");
    this.toolbar.setAttribute("aria-controls", textarea.id);
    bar.appendChild(this.toolbar);

    var tabs = element("div", "md-editor__tabs");
    tabs.setAttribute("role", "tablist");
    tabs.setAttribute("aria-label", "Write or preview");
    this.writeTab = this.tab(tabs, "Write", "write", true);
    this.previewTab = this.tab(tabs, "Preview", "preview", false);
    bar.appendChild(tabs);

    var panes = element("div", "md-editor__panes");
    var write = element("div", "md-editor__write");
    write.id = textarea.id + "-write";
    var preview = element("section", "md-editor__preview");
    preview.id = textarea.id + "-preview";
    preview.setAttribute("aria-label", "Preview");
    var heading = element("p", "md-editor__preview-title", "Preview");
    this.previewStatus = element("p", "md-editor__preview-status");
    this.previewStatus.setAttribute("aria-live", "polite");
    // Figures placing no picture of the library show nothing: said here, as the save will.
    this.previewWarning = element("p", "md-editor__preview-warning");
    this.previewWarning.setAttribute("role", "status");
    this.previewWarning.hidden = true;
    this.rendered = element("div", "md-editor__rendered");
    preview.appendChild(heading);
    preview.appendChild(this.previewStatus);
    preview.appendChild(this.previewWarning);
    preview.appendChild(this.rendered);
    this.previewPane = preview;
    this.writeTab.setAttribute("aria-controls", write.id);
    this.previewTab.setAttribute("aria-controls", preview.id);

    textarea.parentNode.insertBefore(root, textarea);
    write.appendChild(textarea);
    panes.appendChild(write);
    panes.appendChild(preview);
    this.stats = element("p", "md-editor__stats");
    this.stats.setAttribute("aria-live", "polite");

    root.appendChild(bar);
    root.appendChild(panes);
    root.appendChild(this.stats);
    this.root = root;
    textarea.classList.add("md-editor__textarea");

    var self = this;
    BUTTONS.forEach(function (spec) { self.addButton(spec); });
    extraButtons.forEach(function (spec) { self.addButton(spec); });
  };

  Editor.prototype.tab = function (tabs, label, mode, selected) {
    var button = element("button", "md-editor__tab", label);
    button.type = "button";
    button.setAttribute("role", "tab");
    button.setAttribute("aria-selected", selected ? "true" : "false");
    button.dataset.mode = mode;
    var self = this;
    button.addEventListener("click", function () { self.setMode(mode); });
    tabs.appendChild(button);
    return button;
  };

  Editor.prototype.setMode = function (mode) {
    this.root.dataset.mode = mode;
    this.writeTab.setAttribute("aria-selected", mode === "write" ? "true" : "false");
    this.previewTab.setAttribute("aria-selected", mode === "preview" ? "true" : "false");
    if (mode === "preview" && this.dirty) { this.refreshPreview(); }
    if (mode === "write") { this.textarea.focus(); }
  };

  Editor.prototype.addButton = function (spec) {
    var existing = this.toolbar.querySelector('[data-name="' + cssEscape(spec.name) + '"]');
    var button = element("button", "md-editor__button", spec.label || spec.name);
    button.type = "button";
    button.dataset.name = spec.name;
    button.title = spec.title || spec.label || spec.name;
    button.setAttribute("aria-label", spec.title || spec.label || spec.name);
    if (spec.className) { button.className += " " + spec.className; }
    var self = this;
    button.addEventListener("click", function () {
      spec.action(self);
      self.textarea.focus();
    });
    if (existing) { this.toolbar.replaceChild(button, existing); }
    else { this.toolbar.appendChild(button); }
    return button;
  };

  Editor.prototype.bind = function () {
    var self = this;
    // "change" too: restoring an autosave (post_editing.js) sets the value and sends it.
    ["input", "change"].forEach(function (type) {
      self.textarea.addEventListener(type, function () {
        self.updateStats();
        self.dirty = true;
        self.schedulePreview(PREVIEW_DELAY_MS);
      });
    });
    this.textarea.addEventListener("keydown", function (event) {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) { return; }
      var name = SHORTCUTS[event.key.toLowerCase()];
      if (!name) { return; }
      event.preventDefault();
      BUTTONS.filter(function (b) { return b.name === name; })[0].action(self);
    });
    // Side by side, the preview scrolls along with the text (by proportion: close enough for
    // prose, and free).
    this.textarea.addEventListener("scroll", function () { self.followScroll(); });
    var onWidth = function () { if (self.wide.matches && self.dirty) { self.refreshPreview(); } };
    if (this.wide.addEventListener) { this.wide.addEventListener("change", onWidth); }
  };

  Editor.prototype.followScroll = function () {
    var box = this.textarea, pane = this.previewPane;
    var room = box.scrollHeight - box.clientHeight;
    var ratio = room > 0 ? box.scrollTop / room : 0;
    pane.scrollTop = ratio * Math.max(0, pane.scrollHeight - pane.clientHeight);
  };

  Editor.prototype.updateStats = function () {
    this.stats.textContent = statsText(countWords(this.textarea.value));
  };

  Editor.prototype.previewShown = function () {
    return this.wide.matches || this.root.dataset.mode === "preview";
  };

  Editor.prototype.schedulePreview = function (delay) {
    var self = this;
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(function () {
      if (self.previewShown()) { self.refreshPreview(); }
    }, delay);
  };

  Editor.prototype.say = function (text, isError) {
    this.previewStatus.textContent = text;
    this.previewStatus.classList.toggle("md-editor__preview-status--error", !!isError);
  };

  Editor.prototype.warn = function (text) {
    if (this.previewWarning.textContent !== text) { this.previewWarning.textContent = text; }
    this.previewWarning.hidden = !text;
  };

  Editor.prototype.refreshPreview = function () {
    var self = this;
    // One preview at a time: typing during a slow one (a very long post) asks for one more when
    // it is back, not one per pause.
    if (this.inFlight) { this.pending = true; return this.inFlight; }
    var body = this.textarea.value;
    this.dirty = false;
    if (body.length > this.maxChars) {
      this.say("Too long to preview (at most " + this.maxChars.toLocaleString() +
        " characters). Your text is kept in the box.", true);
      return Promise.resolve();
    }
    var mine = ++this.sequence;
    var csrf = this.form.querySelector("input[name=csrfmiddlewaretoken]");
    var data = new FormData();
    data.append("csrfmiddlewaretoken", csrf ? csrf.value : "");
    data.append("body", body);
    this.root.classList.add("md-editor--updating");
    var request = fetch(this.previewUrl, {
      method: "POST", body: data, credentials: "same-origin",
      headers: {"X-CSRFToken": csrf ? csrf.value : "", "Accept": "application/json"}
    }).then(function (response) {
      return response.json().catch(function () {
        return {error: "the server answered " + response.status + " (signed out?)"};
      }).then(function (answer) { answer.ok = response.ok; return answer; });
    }).then(function (answer) {
      if (mine !== self.sequence) { return; }
      self.root.classList.remove("md-editor--updating");
      if (answer.ok) {
        // Sanitized by the server exactly as when the post is published.
        self.rendered.innerHTML = answer.html;
        self.say(answer.html ? "" : "Nothing to preview yet.");
        self.warn(answer.warning || "");
        self.followScroll();
      } else {
        self.dirty = true;
        self.say("The preview could not be updated: " + answer.error, true);
      }
    }).catch(function () {
      if (mine !== self.sequence) { return; }
      self.root.classList.remove("md-editor--updating");
      self.dirty = true;
      self.say("The preview could not be updated (no connection). Your text is kept in the box.",
        true);
    }).then(function () {
      self.inFlight = null;
      if (self.pending) {
        self.pending = false;
        if (self.previewShown()) { self.refreshPreview(); } else { self.dirty = true; }
      }
    });
    this.inFlight = request;
    return request;
  };

  // --- editing primitives (the browser's undo keeps working) ---------------------------------

  Editor.prototype.replaceRange = function (start, end, text, selectFrom, selectTo) {
    var textarea = this.textarea;
    textarea.focus();
    textarea.setSelectionRange(start, end);
    var expected = textarea.value.slice(0, start) + text + textarea.value.slice(end);
    var done = false;
    try { done = document.execCommand("insertText", false, text); } catch (e) { done = false; }
    if (!done || textarea.value !== expected) {
      textarea.value = expected;
      textarea.dispatchEvent(new Event("input", {bubbles: true}));
    }
    var from = start + (selectFrom === undefined ? text.length : selectFrom);
    var to = start + (selectTo === undefined ? text.length : selectTo);
    textarea.setSelectionRange(from, to);
  };

  Editor.prototype.insertAtCursor = function (text) {
    var t = this.textarea;
    this.replaceRange(t.selectionStart, t.selectionEnd, String(text));
  };

  Editor.prototype.wrapSelection = function (before, after, placeholder) {
    var t = this.textarea;
    var start = t.selectionStart, end = t.selectionEnd;
    var selected = t.value.slice(start, end) || placeholder || "";
    this.replaceRange(start, end, before + selected + after, before.length,
      before.length + selected.length);
  };

  // The whole lines the selection touches.
  Editor.prototype.selectedLines = function () {
    var t = this.textarea, value = t.value;
    var start = value.lastIndexOf("\n", t.selectionStart - 1) + 1;
    var endSearch = t.selectionEnd > t.selectionStart && value[t.selectionEnd - 1] === "\n"
      ? t.selectionEnd - 1 : t.selectionEnd;
    var end = value.indexOf("\n", endSearch);
    if (end === -1) { end = value.length; }
    return {start: start, end: end, lines: value.slice(start, end).split("\n")};
  };

  // Each touched line gets a prefix (or loses it when every line has it already).
  Editor.prototype.prefixLines = function (prefixFor, strip) {
    var range = this.selectedLines();
    var all = range.lines.every(function (line) { return strip.test(line) || !line.trim(); }) &&
      range.lines.some(function (line) { return strip.test(line); });
    var lines = range.lines.map(function (line, index) {
      if (all) { return line.replace(strip, ""); }
      if (!line.trim() && range.lines.length > 1) { return line; }
      return prefixFor(index) + line.replace(strip, "");
    });
    var text = lines.join("\n");
    this.replaceRange(range.start, range.end, text, 0, text.length);
  };

  // A block starts on a line of its own, after an empty line.
  Editor.prototype.blockSeparators = function (start, end) {
    var value = this.textarea.value;
    var before = value.slice(0, start);
    var after = value.slice(end);
    var lead = !before ? "" : /\n\n$/.test(before) ? "" : /\n$/.test(before) ? "\n" : "\n\n";
    var trail = !after ? "" : /^\n\n/.test(after) ? "" : /^\n/.test(after) ? "\n" : "\n\n";
    return {lead: lead, trail: trail};
  };

  // --- the built-in buttons ---------------------------------------------------------------------

  var BUTTONS = [
    {name: "bold", label: "B", title: "Bold (Ctrl+B / ⌘B)", className: "md-editor__button--bold",
      action: function (e) { e.wrapSelection("**", "**", "bold text"); }},
    {name: "italic", label: "I", title: "Italic (Ctrl+I / ⌘I)",
      className: "md-editor__button--italic",
      action: function (e) { e.wrapSelection("_", "_", "italic text"); }},
    {name: "link", label: "Link", title: "Link (Ctrl+K / ⌘K)", action: function (e) {
      var t = e.textarea, start = t.selectionStart, end = t.selectionEnd;
      var selected = t.value.slice(start, end);
      if (/^https?:\/\/\S+$/.test(selected)) {
        var text = "[link text](" + selected + ")";
        e.replaceRange(start, end, text, 1, 10);
      } else {
        var label = selected || "link text";
        var made = "[" + label + "](https://)";
        e.replaceRange(start, end, made, label.length + 3, label.length + 11);
      }
    }},
    {name: "heading", label: "H", title: "Heading (a line starting with ##)",
      className: "md-editor__button--heading", action: function (e) {
        e.prefixLines(function () { return "## "; }, /^#{1,6}\s+/);
      }},
    {name: "quote", label: "“ ”", title: "Quote, with its attribution on the last line",
      action: function (e) {
        var t = e.textarea, start = t.selectionStart, end = t.selectionEnd;
        var selected = t.value.slice(start, end).replace(/\n+$/, "");
        var sep = e.blockSeparators(start, end);
        var quoted = (selected || "Quoted text").split("\n").map(function (line) {
          return line.trim() ? "> " + line : ">";
        }).join("\n");
        var text = sep.lead + quoted + "\n> — Name of the person quoted" + sep.trail;
        var nameAt = text.indexOf("Name of the person quoted");
        if (selected) { e.replaceRange(start, end, text, nameAt, nameAt + 25); }
        else { e.replaceRange(start, end, text, sep.lead.length + 2, sep.lead.length + 13); }
      }},
    {name: "bulleted-list", label: "• List", title: "Bulleted list", action: function (e) {
      e.prefixLines(function () { return "- "; }, /^\s*(?:[-*+]|\d+[.)])\s+/);
    }},
    {name: "numbered-list", label: "1. List", title: "Numbered list", action: function (e) {
      e.prefixLines(function (i) { return (i + 1) + ". "; }, /^\s*(?:[-*+]|\d+[.)])\s+/);
    }},
    {name: "code", label: "</>", title: "Code (a block when several lines are selected)",
      action: function (e) {
        var t = e.textarea, start = t.selectionStart, end = t.selectionEnd;
        var selected = t.value.slice(start, end);
        if (selected.indexOf("\n") === -1) { e.wrapSelection("`", "`", "code"); return; }
        var sep = e.blockSeparators(start, end);
        var body = selected.replace(/\n+$/, "");
        var text = sep.lead + "```\n" + body + "\n```" + sep.trail;
        e.replaceRange(start, end, text, sep.lead.length + 4, sep.lead.length + 4 + body.length);
      }}
  ];
  var SHORTCUTS = {b: "bold", i: "italic", k: "link"};

  // --- helpers and start ---------------------------------------------------------------------

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function cssEscape(value) {
    return window.CSS && CSS.escape ? CSS.escape(value) : value.replace(/["\\]/g, "\\$&");
  }

  function start() {
    var config = document.getElementById("post-editor-config");
    var form = document.getElementById("post_form");
    var textarea = form && form.elements.namedItem("body");
    if (!config || !textarea || textarea.tagName !== "TEXTAREA" || textarea.readOnly) { return; }
    var editor = new Editor(textarea, config, form);
    editors.push(editor);
    document.dispatchEvent(new CustomEvent("groupblog:editor-ready", {detail: {editor: editor}}));
  }

  api.countWords = countWords;
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
