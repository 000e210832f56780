// The card step of funding an escrow through Stripe (the page carries the publishable key and the intent's
// client secret in data attributes of #payment-form).
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("payment-form");
  if (!window.Stripe || !form.dataset.key) { return; }
  var stripe = Stripe(form.dataset.key);
  var elements = stripe.elements({clientSecret: form.dataset.secret});
  elements.create("payment").mount("#payment-element");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    document.getElementById("pay-button").disabled = true;
    stripe.confirmPayment({elements: elements, confirmParams: {return_url: form.dataset.return}}).then(function (result) {
      if (result.error) {
        document.getElementById("payment-error").textContent = result.error.message;
        document.getElementById("pay-button").disabled = false;
      }
    });
  });
});
