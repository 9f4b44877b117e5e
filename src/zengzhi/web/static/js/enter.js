// The member page's entrance: the app opens /m/enter#token=…; the token after "#" never
// reaches a server. Read it, clear it from the address bar and the history, and post it
// with the page's one-time value (web/member.py).
(function () {
  "use strict";
  var form = document.getElementById("enter");
  var found = /(?:^#|&)token=([^&]+)/.exec(window.location.hash);
  window.history.replaceState(null, "", window.location.pathname);
  if (!form || !found) {
    // no token: the page says the link is no good, and no longer that it is opening
    var none = document.getElementById("no-token");
    document.getElementById("entering").hidden = true;
    none.hidden = false;
    document.title = none.getAttribute("data-title");
    return;
  }
  form.elements.token.value = decodeURIComponent(found[1]);
  form.submit();
})();
