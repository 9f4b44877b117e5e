// A WeChat Pay transfer (商家转账) waiting for the member to confirm receiving it: in
// WeChat's browser, its button opens WeChat's confirmation (requestMerchantTransfer) with
// what the server put on it. WeChat answers "ok" once its page was shown and left, which
// is not yet the payment: the page says so, and reads "paid" when WeChat Pay has paid.
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("[data-confirm-transfer]"), function (button) {
    var said = button.parentNode.querySelector("[data-confirm-said]");
    function say(text) {
      said.textContent = text;
    }
    button.addEventListener("click", function () {
      var bridge = window.WeixinJSBridge;
      if (!bridge || typeof bridge.invoke !== "function") {
        say(button.dataset.outside);
        return;
      }
      button.disabled = true;
      var asked = { mchId: button.dataset.mchId, appId: button.dataset.appId, package: button.dataset.package };
      bridge.invoke("requestMerchantTransfer", asked, function (answer) {
        var outcome = answer && answer.err_msg;
        if (outcome === "requestMerchantTransfer:ok") {
          button.hidden = true;
          say(button.dataset.done);
          return;
        }
        button.disabled = false;
        say(outcome === "requestMerchantTransfer:cancel" ? button.dataset.cancelled : button.dataset.failed);
      });
    });
  });
})();
