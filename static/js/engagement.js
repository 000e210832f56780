// Conversation page: keep the newest message in view when HTMX adds rows (polling or sending), and clear the
// send form after a message went out.
(function () {
  function scrollThread() {
    var thread = document.getElementById("thread");
    if (thread) thread.scrollTop = thread.scrollHeight;
  }
  document.addEventListener("DOMContentLoaded", scrollThread);
  // The send form empties itself once the server accepted the message (kept here: the CSP allows no eval).
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (form && form.matches && form.matches("form[data-reset-on-success]") && event.detail.successful) {
      form.reset();
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "poller" && event.detail.xhr.responseText.indexOf("message-row") !== -1) {
      scrollThread();
    }
  });
})();
