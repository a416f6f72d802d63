// Progressive enhancement: submit without a page load and update the decision in place.
// The page works the same without it (a normal form POST).
(function () {
  "use strict";
  var form = document.getElementById("assess-form");
  var result = document.getElementById("result");
  if (!form || !result || !window.fetch) { return; }

  function markUnanswered() {
    var banner = document.getElementById("banner");
    var open = banner ? (banner.getAttribute("data-unanswered") || "").split(" ") : [];
    document.querySelectorAll("fieldset.question, #q-age").forEach(function (el) {
      var id = el.id.replace(/^q-/, "");
      var isOpen = open.indexOf(id) !== -1;
      el.classList.toggle("unanswered", isOpen);
      var note = el.querySelector(".still-open");
      if (note) { note.hidden = !isOpen; }
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var body = new URLSearchParams(new FormData(form));
    result.setAttribute("aria-busy", "true");
    fetch(form.action, {
      method: "POST",
      headers: { "X-Fragment": "result", "Content-Type": "application/x-www-form-urlencoded" },
      body: body
    }).then(function (response) { return response.text(); })
      .then(function (html) {
        result.innerHTML = html;
        result.removeAttribute("aria-busy");
        markUnanswered();
        var banner = document.getElementById("banner");
        if (banner) { banner.focus(); }
      })
      .catch(function () { form.submit(); });
  });

  // A new policy changes the questions: reload the form for it, keeping the answers.
  var policy = document.getElementById("policy");
  if (policy) {
    policy.addEventListener("change", function () {
      var params = new URLSearchParams();
      new FormData(form).forEach(function (value, key) {
        if (value !== "unknown" && value !== "") { params.append(key, value); }
      });
      window.location.search = params.toString();
    });
  }
})();
