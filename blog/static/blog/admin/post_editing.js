/* The post form keeps what its user types: autosave to the server (every few seconds when
   changed, and when leaving), a warning before leaving with unsaved changes, the restore notice of
   an earlier autosave, and the "X is editing" notice refreshed by a heartbeat. No inline code:
   everything the script needs is in data attributes. */
(function () {
  "use strict";
  var root = document.getElementById("post-editing");
  var form = document.getElementById("post_form");
  if (!root || !form) { return; }

  var FIELDS = ["title", "slug", "excerpt", "body", "featured_image_alt", "featured_image_caption",
    "featured_image_credit", "source_name", "source_url", "tags"];
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var autosaveUrl = root.dataset.autosaveUrl;
  var editingUrl = root.dataset.editingUrl;
  var status = root.querySelector("[data-autosave-status]");
  var versionInput = form.querySelector("input[name=version]");
  var baseVersion = root.dataset.baseVersion || "";

  function values() {
    var result = {};
    FIELDS.forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (field && typeof field.value === "string") { result[name] = field.value; }
    });
    return result;
  }

  // A form shown again after a refused save holds what its user typed: unsaved from the start.
  var refused = root.dataset.unsaved === "1";
  var initial = refused ? null : JSON.stringify(values());
  var lastKept = initial;
  var touched = refused;
  var submitting = false;

  function snapshot() { return JSON.stringify(values()); }
  function unsaved() { return touched || snapshot() !== initial; }
  function say(text) { if (status) { status.textContent = text; } }

  function payload(extra) {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", csrf);
    if (extra) {
      Object.keys(extra).forEach(function (key) { data.append(key, extra[key]); });
      return data;
    }
    data.append("base_version", baseVersion);
    var current = values();
    Object.keys(current).forEach(function (key) { data.append(key, current[key]); });
    return data;
  }

  function post(url, data, keepalive) {
    return fetch(url, {
      method: "POST", body: data, credentials: "same-origin", keepalive: !!keepalive,
      headers: {"X-CSRFToken": csrf, "Accept": "application/json"}
    }).then(function (response) {
      return response.json().catch(function () {
        return {error: "the server answered " + response.status + " (signed out?)"};
      }).then(function (body) { body.ok = response.ok; return body; });
    });
  }

  function autosave() {
    var now = snapshot();
    if (submitting || now === lastKept || now === initial) { return Promise.resolve(); }
    return post(autosaveUrl, payload()).then(function (body) {
      if (body.ok) { lastKept = now; say(body.message); } else {
        say("Your changes could not be kept automatically: " + body.error + " Keep this page open and save.");
      }
    }).catch(function () {
      say("Your changes could not be kept automatically (no connection). Keep this page open and save.");
    });
  }

  window.setInterval(autosave, (parseInt(root.dataset.interval, 10) || 30) * 1000);
  // Other fields (categories, status, image …) are not autosaved, but leaving still warns.
  form.addEventListener("change", function (event) {
    if (event.target.name && FIELDS.indexOf(event.target.name) === -1) { touched = true; }
  });
  form.addEventListener("submit", function () { submitting = true; });

  window.addEventListener("beforeunload", function (event) {
    if (!submitting && unsaved()) { event.preventDefault(); event.returnValue = ""; }
  });
  window.addEventListener("pagehide", function () {
    if (!submitting && snapshot() !== lastKept && snapshot() !== initial) {
      navigator.sendBeacon(autosaveUrl, payload());
      lastKept = snapshot();
    }
    if (editingUrl) { navigator.sendBeacon(editingUrl, payload({event: "leave"})); }
  });

  // An autosave from an earlier visit: restore it into the form, or discard it.
  var notice = root.querySelector("[data-autosave-notice]");
  var kept = document.getElementById("post-autosave-data");
  if (notice && kept) {
    var restore = notice.querySelector("[data-autosave-restore]");
    var discard = notice.querySelector("[data-autosave-discard]");
    restore.hidden = false;
    discard.hidden = false;
    restore.addEventListener("click", function () {
      var data = JSON.parse(kept.textContent);
      Object.keys(data).forEach(function (name) {
        var field = form.elements.namedItem(name);
        if (field && typeof field.value === "string" && FIELDS.indexOf(name) !== -1) {
          field.value = data[name];
          field.dispatchEvent(new Event("change", {bubbles: true}));
        }
      });
      // Saved against the version they were written on: if the post moved on since, Save shows
      // the differences instead of overwriting.
      var base = notice.dataset.autosaveBaseVersion;
      if (versionInput && base) { versionInput.value = base; baseVersion = base; }
      touched = true;
      lastKept = snapshot();
      notice.hidden = true;
      say("Your unsaved changes are back in the form. Save to keep them in the post.");
    });
    discard.addEventListener("click", function () {
      post(autosaveUrl, payload({discard: "1"})).then(function (body) {
        if (body.ok) { notice.hidden = true; say("The unsaved changes were discarded."); }
        else { say("They could not be discarded: " + body.error); }
      });
    });
  }

  // Who else has this post open: refreshed while the form is open.
  var others = root.querySelector("[data-editing-notice]");
  var names = root.querySelector("[data-editing-names]");
  if (editingUrl && others && names) {
    window.setInterval(function () {
      post(editingUrl, payload({event: "heartbeat"})).then(function (body) {
        if (!body.ok) { return; }
        names.textContent = "";
        body.others.forEach(function (text) {
          var line = document.createElement("p");
          var strong = document.createElement("strong");
          strong.textContent = text;
          line.appendChild(strong);
          names.appendChild(line);
        });
        others.hidden = body.others.length === 0;
      }).catch(function () {});
    }, (parseInt(root.dataset.heartbeat, 10) || 30) * 1000);
  }
})();
