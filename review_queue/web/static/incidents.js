// The item page's incident finder: typing a number or words into #incident-search asks
// /incidents/search and offers what it finds in the incident menu, after the item's current
// incident and "new incident", so that any incident can be joined, not only recent ones.
(function () {
  "use strict";
  var box = document.getElementById("incident-search");
  var menu = document.getElementById("incident-choice");
  if (!box || !menu) return;
  var fixed = Array.prototype.slice.call(menu.options).filter(function (option) {
    return option.selected || option.value === "new";   // the current incident (preselected) and "new"
  });
  var timer = null;

  function show(found) {
    var keep = menu.value;
    menu.innerHTML = "";
    fixed.forEach(function (option) { menu.appendChild(option); });
    found.forEach(function (incident) {
      if (fixed.some(function (option) { return option.value === String(incident.id); })) return;
      var option = document.createElement("option");
      option.value = String(incident.id);
      option.textContent = incident.label;
      menu.appendChild(option);
    });
    // A search is a choice: pick the best match; with nothing found, keep what was chosen.
    menu.value = found.length ? String(found[0].id) : keep;
  }

  function search() {
    var q = box.value.trim();
    if (!q) return;
    fetch(box.dataset.url + "?q=" + encodeURIComponent(q), {credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : []; })
      .then(show);
  }

  box.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(search, 250);
  });
  box.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); clearTimeout(timer); search(); }   // never submit the decision
  });
})();
