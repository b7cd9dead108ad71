/* "Add staff member": the username is suggested from the name (firstname.lastname) until it is
   typed in by hand; the server makes the same one, numbered when taken, when left blank. */
(function () {
  "use strict";
  var form = document.getElementById("staff_invite_form");
  if (!form) { return; }
  var first = form.elements.namedItem("first_name");
  var last = form.elements.namedItem("last_name");
  var username = form.elements.namedItem("username");
  var edited = !!username.value;
  function suggest() {
    var name = (first.value + " " + last.value).normalize("NFKD").replace(/[\u0300-\u036f']/g, "");
    var words = name.toLowerCase().match(/[a-z0-9]+/g) || [];
    return words.join(".").slice(0, 146);
  }
  function update() { if (!edited) { username.value = suggest(); } }
  first.addEventListener("input", update);
  last.addEventListener("input", update);
  username.addEventListener("input", function () { edited = username.value !== ""; });
})();
