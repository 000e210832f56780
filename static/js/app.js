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
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-dismiss-key]").forEach(function (box) {
    try { if (localStorage.getItem("dismissed:" + box.dataset.dismissKey)) box.remove(); } catch (e) {}
  });
});
