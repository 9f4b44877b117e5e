// A form marked data-once is sent once: its buttons are disabled as it goes, so that a
// double click does not send it twice (the server does the form once all the same, by
// its id; but a key's secret is on the first answer only, which the second would
// replace). Without scripts the server's check is all there is.
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("form[data-once]"), function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sent) {
        event.preventDefault();
        return;
      }
      form.dataset.sent = "1";
      setTimeout(function () {  // after the submission has taken the clicked button's value
        Array.prototype.forEach.call(form.querySelectorAll("button"), function (button) {
          button.disabled = true;
        });
      }, 0);
    });
  });
})();
