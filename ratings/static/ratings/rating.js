/* Reader ratings: progressive enhancement of the rating form. Without this file the form posts
   normally and the server redirects back with a message (on a shared page it first opens the
   rate page, which carries the token); with it the vote is sent with fetch and the widget is
   replaced in place by the server's fresh rendering. */
(function () {
  "use strict";

  function showError(widget, text) {
    var box = widget.querySelector("[data-rating-error]");
    if (!box) return;
    box.textContent = text;
    box.hidden = false;
  }

  function send(form) {
    var widget = form.closest("[data-rating]");
    var button = form.querySelector("button[type=submit]");
    var data = new FormData(form);
    if (button) button.disabled = true;
    widget.setAttribute("aria-busy", "true");
    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: {
        "Accept": "application/json",
        "X-CSRFToken": data.get("csrfmiddlewaretoken") || ""
      }
    })
      .then(function (response) {
        return response.json().catch(function () {
          return { error: "The server could not record your vote (" + response.status + ")." };
        }).then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (result) {
        if (!result.ok || !result.body.html) {
          showError(widget, result.body.error || "Your vote could not be saved. Please try again.");
          return;
        }
        var holder = document.createElement("div");
        holder.innerHTML = result.body.html.trim();
        var fresh = holder.querySelector("[data-rating]");
        if (!fresh) return;
        widget.replaceWith(fresh);
        enhance(fresh);
        var status = fresh.querySelector(".rating__message");
        if (status) status.focus({ preventScroll: true });
      })
      .catch(function () {
        showError(widget, "Network error: your vote was not sent. Please try again.");
      })
      .finally(function () {
        widget.removeAttribute("aria-busy");
        if (button) button.disabled = false;
      });
  }

  function enhance(widget) {
    var form = widget.querySelector("[data-rating-form]");
    if (!form) return;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      send(form);
    });
    // A click (mouse or touch) on a star of a single-criterion widget votes at once; keyboard
    // users move with the arrow keys and press Enter or the button, so browsing never votes.
    if (form.querySelectorAll("fieldset").length === 1) {
      form.querySelectorAll(".rating__choices label").forEach(function (label) {
        label.addEventListener("click", function () {
          window.setTimeout(function () {
            if (form.reportValidity()) send(form);
          }, 0);
        });
      });
    }
  }

  // A page shared by every anonymous reader (RATINGS_SHARED_PAGES) holds no reader's state and
  // no CSRF token: its form only opens the rate page. Fetch this reader's widget (their vote,
  // a token) and put it in place; until it arrives, or if it cannot, the plain form works.
  function load(widget) {
    fetch(widget.getAttribute("data-rating-state"), {
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (!body || !body.html) return;
        var holder = document.createElement("div");
        holder.innerHTML = body.html.trim();
        var fresh = holder.querySelector("[data-rating]");
        if (!fresh) return;
        widget.replaceWith(fresh);
        enhance(fresh);
      })
      .catch(function () {});
  }

  document.querySelectorAll("[data-rating]").forEach(function (widget) {
    if (widget.hasAttribute("data-rating-state")) load(widget);
    else enhance(widget);
  });
})();
