// Keyboard-driven review. Shortcuts never fire while typing in a field or with a
// modifier held (so browser shortcuts like Ctrl+C keep working).
(function () {
  "use strict";

  function typing(target) {
    if (!target) return false;
    var tag = (target.tagName || "").toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function toggleHelp() {
    var dialog = document.getElementById("shortcuts");
    if (!dialog) return;
    if (dialog.open) dialog.close(); else dialog.showModal();
  }

  function click(id) {
    var el = document.getElementById(id);
    if (el) el.click();
    return !!el;
  }

  // Queue page: j/k move a cursor over the rows, Enter or o opens the row.
  var rows = Array.prototype.slice.call(document.querySelectorAll(".queue-row"));
  var cursor = -1;
  function moveCursor(step) {
    if (!rows.length) return;
    if (cursor >= 0) rows[cursor].classList.remove("selected");
    cursor = Math.max(0, Math.min(rows.length - 1, cursor + step));
    rows[cursor].classList.add("selected");
    rows[cursor].scrollIntoView({block: "nearest"});
  }

  var isItemPage = !!document.getElementById("decision-form");

  function rejectKey() {
    var panel = document.getElementById("reject-panel");
    var reason = document.getElementById("reject-reason");
    if (!panel || !reason) return;
    if (panel.classList.contains("active") && reason.value) { click("reject"); return; }
    panel.classList.add("active");
    reason.focus();
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var key = event.key;
    if (key === "?") { toggleHelp(); event.preventDefault(); return; }
    if (isItemPage) {
      if (key === "j") click("next-link");
      else if (key === "k") click("prev-link");
      else if (key === "c") click("confirm-next");
      else if (key === "x") { rejectKey(); event.preventDefault(); }
      else if (/^[1-9]$/.test(key)) {
        var box = document.querySelector('input[data-hotkey="' + key + '"]');
        if (box) box.checked = !box.checked;
      }
      return;
    }
    if (rows.length) {
      if (key === "j") moveCursor(1);
      else if (key === "k") moveCursor(-1);
      else if ((key === "Enter" || key === "o") && cursor >= 0) window.location.href = rows[cursor].dataset.href;
    }
  });

  document.querySelectorAll("[data-show-help]").forEach(function (button) {
    button.addEventListener("click", toggleHelp);
  });

  // Keep this item claimed while its page stays open; the server lets a stale claim lapse.
  var claim = document.getElementById("claim-notice");
  if (claim && claim.dataset.claimUrl) {
    setInterval(function () {
      fetch(claim.dataset.claimUrl, {method: "POST", headers: {"X-CSRF-Token": csrfToken()},
                                     credentials: "same-origin"});
    }, 60000);
  }
})();
