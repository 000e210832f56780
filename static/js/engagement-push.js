// Turns on web push for this browser: registers /sw.js, subscribes with the server's VAPID key and sends the
// subscription to POST /api/push-subscriptions (session cookie + CSRF header).
(function () {
  function urlBase64ToUint8Array(base64) {
    var padding = "=".repeat((4 - (base64.length % 4)) % 4);
    var raw = atob((base64 + padding).replace(/-/g, "+").replace(/_/g, "/"));
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }
  function csrf() {
    var m = document.cookie.match(/csrftoken=([^;]+)/);
    return m ? m[1] : "";
  }
  async function enable(button) {
    var status = document.getElementById("push-status");
    if (!("serviceWorker" in navigator) || !("PushManager" in window)) {
      status.textContent = "This browser does not support web push.";
      return;
    }
    var key = button.dataset.vapidKey;
    if (!key) { status.textContent = "Web push is not configured on this server."; return; }
    var permission = await Notification.requestPermission();
    if (permission !== "granted") { status.textContent = "Notifications are blocked for this site."; return; }
    var registration = await navigator.serviceWorker.register("/sw.js");
    var subscription = await registration.pushManager.subscribe({
      userVisibleOnly: true, applicationServerKey: urlBase64ToUint8Array(key),
    });
    var response = await fetch("/api/push-subscriptions", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify(subscription.toJSON()),
    });
    status.textContent = response.ok ? "Push notifications are on for this browser." : "Could not save the subscription.";
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-enable-push]");
    if (button) { event.preventDefault(); enable(button); }
  });
})();
