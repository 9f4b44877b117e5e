// The member page's entrance: the app opens /m/enter#token=…; the token after "#" never
// reaches a server. Read it, clear it from the address bar and the history, and post it
// with the page's one-time value (web/member.py).
(function () {
  "use strict";
  var form = document.getElementById("enter");
  var found = /(?:^#|&)token=([^&]+)/.exec(window.location.hash);
  window.history.replaceState(null, "", window.location.pathname);
  if (!form || !found) {
    document.getElementById("no-token").hidden = false;
    return;
  }
  form.elements.token.value = decodeURIComponent(found[1]);
  form.submit();
})();
