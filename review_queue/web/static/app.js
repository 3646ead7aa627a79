// Keyboard-driven review. Shortcuts fire wherever focus is (after clicking a checkbox, a button
// or a menu too), except while typing in a text field or a textarea, and never with a modifier
// held (so browser shortcuts like Ctrl+C keep working).
(function () {
  "use strict";

  var NOT_TYPED = ["checkbox", "radio", "button", "submit", "reset", "file", "range", "color", "hidden", "image"];

  function typing(target) {
    if (!target) return false;
    var tag = (target.tagName || "").toLowerCase();
    if (tag === "textarea" || target.isContentEditable) return true;
    return tag === "input" && NOT_TYPED.indexOf((target.type || "text").toLowerCase()) === -1;
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

  // Queue page: j/k move a cursor over the rows, Enter or o opens the row, n takes the next free item.
  var rows = Array.prototype.slice.call(document.querySelectorAll(".queue-row"));
  var cursor = -1;
  function moveCursor(step) {
    if (!rows.length) return;
    if (cursor >= 0) rows[cursor].classList.remove("selected");
    cursor = Math.max(0, Math.min(rows.length - 1, cursor + step));
    rows[cursor].classList.add("selected");
    rows[cursor].scrollIntoView({block: "nearest"});
  }

  var form = document.getElementById("decision-form");
  var panel = document.getElementById("reject-panel");
  var reason = document.getElementById("reject-reason");

  function rejecting() { return !!panel && panel.classList.contains("active"); }

  // x opens the reject panel (reasons numbered 1-6); x or Enter again rejects once a reason is chosen.
  function rejectKey() {
    if (!panel || !reason) return;
    if (rejecting() && reason.value) { click("reject"); return; }
    panel.classList.add("active");
    reason.focus();
  }

  function chooseReason(n) {
    if (n < reason.options.length) reason.selectedIndex = n;   // option 0 is "choose"
  }

  function itemKey(event, key) {
    if (rejecting()) {
      if (/^[1-9]$/.test(key)) { chooseReason(+key); return true; }
      if (key === "x" || key === "Enter") { rejectKey(); return true; }
      if (key === "Escape") { panel.classList.remove("active"); reason.blur(); return true; }
    }
    if (key === "Enter") return false;   // a focused link or button keeps its own Enter
    if (key === "j") click("next-link");
    else if (key === "k") click("prev-link");
    else if (key === "c") click("confirm-next");
    else if (key === "s") click("second-opinion");
    else if (key === "x") rejectKey();
    else if (/^[1-9]$/.test(key)) {
      var box = document.querySelector('input[data-hotkey="' + key + '"]');
      if (box) box.checked = !box.checked;
    } else return false;
    return true;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var key = event.key;
    if (typing(event.target)) {
      // Enter in a one-line field would submit the form with its first button (confirm): in the
      // reject panel it rejects instead, elsewhere in the decision form it does nothing.
      if (key === "Enter" && form && form.contains(event.target) && event.target.tagName === "INPUT") {
        event.preventDefault();
        if (panel && panel.contains(event.target)) rejectKey();
      }
      return;
    }
    if (key === "?") { toggleHelp(); event.preventDefault(); return; }
    if (form) {
      if (itemKey(event, key)) event.preventDefault();
      return;
    }
    if (document.getElementById("redecide")) {
      // A decided item: j/k still move on, but no key decides; re-deciding takes a click.
      if ((key === "j" && click("next-link")) || (key === "k" && click("prev-link"))) event.preventDefault();
      return;
    }
    if (key === "n" && click("start-review")) { event.preventDefault(); return; }
    if (rows.length) {
      if (key === "j") moveCursor(1);
      else if (key === "k") moveCursor(-1);
      else if ((key === "Enter" || key === "o") && cursor >= 0) window.location.href = rows[cursor].dataset.href;
    }
  });

  if (reason) {
    // Choosing a reason with the mouse opens the panel too, so Enter then rejects.
    reason.addEventListener("change", function () { panel.classList.add("active"); });
  }

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
