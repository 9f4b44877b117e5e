// A member picker: an input with data-pick="member" offers, as it is typed in, the
// members the console's search finds (an id's or a phone's start, a name anywhere), in a
// datalist of the id with the name and phone beside it. Without scripts the id is typed.
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll('input[data-pick="member"]'), function (input) {
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
        fetch("/console/members/pick.json?q=" + encodeURIComponent(text), { credentials: "same-origin" })
          .then(function (response) { return response.ok ? response.json() : []; })
          .then(function (found) {
            if (asked !== text) return;
            list.textContent = "";
            found.forEach(function (member) {
              var option = document.createElement("option");
              option.value = member.id;
              option.label = member.label ? member.id + " · " + member.label : member.id;
              list.appendChild(option);
            });
          });
      }, 200);
    });
  });
})();
