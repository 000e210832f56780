// Conversation page: keep the newest message in view when HTMX adds rows (polling or sending).
(function () {
  function scrollThread() {
    var thread = document.getElementById("thread");
    if (thread) thread.scrollTop = thread.scrollHeight;
  }
  document.addEventListener("DOMContentLoaded", scrollThread);
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "poller" && event.detail.xhr.responseText.indexOf("message-row") !== -1) {
      scrollThread();
    }
  });
})();
