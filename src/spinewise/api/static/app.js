// Progressive enhancement: submit without a page load and update the decision in place; answer
// a whole group "none of these" at once; one Tab stop per question group. The page works the
// same without it (a normal form POST; every control in the Tab order).
(function () {
  "use strict";
  var form = document.getElementById("assess-form");
  var result = document.getElementById("result");
  if (!form || !result) { return; }

  function questionsOf(group) { return group.querySelectorAll("fieldset.question"); }
  function checkedIn(question) {
    return question.querySelector("input[type=radio]:checked") || question.querySelector("input[type=radio]");
  }

  // --- "Asked: none of these": every question of the group answered no, visibly ----------
  function syncNone(group) {
    var box = group.querySelector(".none-of input");
    if (!box) { return; }
    var all = Array.prototype.every.call(questionsOf(group), function (q) {
      var c = q.querySelector("input[type=radio]:checked");
      return c && c.value === "no";
    });
    box.checked = all;
  }
  document.querySelectorAll("section.group").forEach(function (group) {
    var box = group.querySelector(".none-of input");
    if (box) {
      box.addEventListener("change", function () {
        if (!box.checked) { return; }
        questionsOf(group).forEach(function (q) {
          var yes = q.querySelector("input[value=yes]");
          // A present answer already given stays: "none of these" is about the rest.
          if (yes && yes.checked) { return; }
          q.querySelector("input[value=no]").checked = true;
        });
        syncNone(group);
        roving(group);
      });
    }
    group.addEventListener("change", function (event) {
      if (event.target.type === "radio") { syncNone(group); roving(group, event.target.closest("fieldset")); }
    });
  });

  // --- one Tab stop per group: up and down move between its questions -------------------
  function roving(group, active) {
    var questions = questionsOf(group);
    if (!questions.length) { return; }
    active = active || group.querySelector("fieldset.question.active") || questions[0];
    questions.forEach(function (q) {
      q.classList.toggle("active", q === active);
      q.querySelectorAll("input[type=radio]").forEach(function (r) { r.tabIndex = -1; });
    });
    checkedIn(active).tabIndex = 0;
  }
  document.querySelectorAll("section.group").forEach(function (group) {
    roving(group);
    group.addEventListener("focusin", function (event) {
      var q = event.target.closest && event.target.closest("fieldset.question");
      if (q && event.target.type === "radio") { roving(group, q); }
    });
    group.addEventListener("keydown", function (event) {
      if (event.target.type !== "radio" || (event.key !== "ArrowUp" && event.key !== "ArrowDown")) { return; }
      var questions = Array.prototype.slice.call(questionsOf(group));
      var at = questions.indexOf(event.target.closest("fieldset.question"));
      var next = questions[at + (event.key === "ArrowDown" ? 1 : -1)];
      event.preventDefault();
      if (next) { roving(group, next); checkedIn(next).focus(); }
    });
  });

  // --- the decision in place ------------------------------------------------------------
  function mark(attr, cls, text) {
    var banner = document.getElementById("banner");
    var ids = banner ? (banner.getAttribute(attr) || "").split(" ") : [];
    document.querySelectorAll("fieldset.question, #q-age").forEach(function (el) {
      var id = el.id.replace(/^q-/, "");
      var on = ids.indexOf(id) !== -1;
      el.classList.toggle(cls, on);
      var note = el.querySelector(".still-open");
      if (note && text && on) { note.hidden = false; note.textContent = text; }
    });
  }
  function markResult() {
    document.querySelectorAll(".still-open").forEach(function (n) { n.hidden = true; });
    mark("data-unanswered", "unanswered", "Still to answer");
    mark("data-ask-first", "ask-first", "Ask before ordering");
    var banner = document.getElementById("banner");
    var invalid = banner ? (banner.getAttribute("data-invalid") || "").split(" ") : [];
    document.querySelectorAll("#age, fieldset.question").forEach(function (el) {
      var id = el.id === "age" ? "age" : el.id.replace(/^q-/, "");
      if (invalid.indexOf(id) !== -1) { el.setAttribute("aria-invalid", "true"); }
      else { el.removeAttribute("aria-invalid"); }
    });
    if (banner && banner.getAttribute("data-title")) {
      document.title = banner.getAttribute("data-title") + " · spinewise";
    }
  }

  if (window.fetch) {
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
          markResult();
          var banner = document.getElementById("banner");
          if (banner) { banner.focus(); }
        })
        .catch(function () { form.submit(); });
    });
  }

  // A new policy changes the questions: reload the form for it, keeping the answers.
  var policy = document.getElementById("policy");
  if (policy) {
    policy.addEventListener("change", function () {
      var params = new URLSearchParams();
      new FormData(form).forEach(function (value, key) {
        if (value !== "unknown" && value !== "" && key !== "none") { params.append(key, value); }
      });
      window.location.search = params.toString();
    });
  }
})();
