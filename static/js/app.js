// Small progressive enhancements: mobile navigation and dismissible flash messages and banners.
document.addEventListener("click", function (event) {
  var toggle = event.target.closest("[data-nav-toggle]");
  if (toggle) {
    var nav = document.getElementById(toggle.getAttribute("aria-controls"));
    var open = toggle.getAttribute("aria-expanded") === "true";
    toggle.setAttribute("aria-expanded", String(!open));
    nav.classList.toggle("is-open", !open);
  }
  var dismiss = event.target.closest("[data-dismiss]");
  if (dismiss) {
    var box = dismiss.parentElement;
    if (box.dataset.dismissKey) {
      try { localStorage.setItem("dismissed:" + box.dataset.dismissKey, "1"); } catch (e) {}
    }
    box.remove();
  }
});
// Escape closes the open mobile menu and gives focus back to its toggle.
document.addEventListener("keydown", function (event) {
  if (event.key !== "Escape") return;
  document.querySelectorAll("[data-nav-toggle][aria-expanded='true']").forEach(function (toggle) {
    toggle.setAttribute("aria-expanded", "false");
    document.getElementById(toggle.getAttribute("aria-controls")).classList.remove("is-open");
    toggle.focus();
  });
});
document.addEventListener("DOMContentLoaded", function () {
  // On phones the settings navigation scrolls sideways: bring the current page's tab into view.
  document.querySelectorAll(".settings-nav [aria-current='page']").forEach(function (link) {
    var nav = link.parentElement;
    if (nav.scrollWidth > nav.clientWidth) nav.scrollLeft = link.offsetLeft - nav.offsetLeft - 16;
  });
  document.querySelectorAll("[data-dismiss-key]").forEach(function (box) {
    try { if (localStorage.getItem("dismissed:" + box.dataset.dismissKey)) box.remove(); } catch (e) {}
  });
});

// A click outside an open "More" menu closes it.
document.addEventListener("click", function (event) {
  document.querySelectorAll("details.nav-more[open]").forEach(function (menu) {
    if (!menu.contains(event.target)) menu.removeAttribute("open");
  });
});

// Forms that ask before they act (releasing money, withdrawing a proposal): the question is in data-confirm.
document.addEventListener("submit", function (event) {
  var form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
});
// A select that applies itself (filters, contract pickers) submits its form when it changes.
document.addEventListener("change", function (event) {
  var select = event.target.closest("select[data-autosubmit]");
  if (select && select.form) select.form.submit();
});
// Filter panels marked data-open-wide start open on a wide screen and folded on a phone (results first).
document.addEventListener("DOMContentLoaded", function () {
  if (!window.matchMedia("(min-width: 900px)").matches) return;
  document.querySelectorAll("details[data-open-wide]").forEach(function (panel) { panel.open = true; });
});
