// A picker: an input with data-pick="member" or data-pick="store" offers, as it is typed
// in, what the console's search for that kind finds (a member by an id's or a phone's
// start or a name anywhere; a store by an id's start or a name anywhere), in a datalist
// of the id with its label beside it. Without scripts the id is typed.
(function () {
  "use strict";
  var SOURCES = { member: "/console/members/pick.json", store: "/console/config/stores/pick.json" };
  Array.prototype.forEach.call(document.querySelectorAll("input[data-pick]"), function (input) {
    var source = SOURCES[input.getAttribute("data-pick")];
    if (!source) return;
    var list = document.createElement("datalist");
    list.id = "pick-" + (input.id || input.name);
    input.setAttribute("list", list.id);
    input.setAttribute("autocomplete", "off");
    input.parentNode.appendChild(list);
    var timer = null;
    var asked = "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var text = input.value.trim();
        if (!text || text === asked) return;
        asked = text;
        fetch(source + "?q=" + encodeURIComponent(text), { credentials: "same-origin" })
          .then(function (response) { return response.ok ? response.json() : []; })
          .then(function (found) {
            if (asked !== text) return;
            list.textContent = "";
            found.forEach(function (one) {
              var option = document.createElement("option");
              option.value = one.id;
              option.label = one.label ? one.id + " · " + one.label : one.id;
              list.appendChild(option);
            });
          });
      }, 200);
    });
  });
})();
