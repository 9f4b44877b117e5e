// The zone form's "Add a mode" buttons: each puts its mode's template (the table shown
// under "Parameters", every parameter at its default with what it means) at the end of
// the companion modes' text; a mode already in the text has no button. Without scripts
// the buttons stay hidden and the templates are copied from the parameters' reference.
(function () {
  "use strict";
  var box = document.getElementById("mode-add");
  var text = document.getElementById("f-modes");
  if (!box || !text) return;
  var buttons = Array.prototype.slice.call(box.querySelectorAll("button[data-mode]"));

  function written(mode) {  // [mode], ["mode"], mode.key = …, mode = {…}
    var table = new RegExp("^\\s*(\\[\\s*\"?" + mode + "\"?\\s*\\]|" + mode + "\\s*[.=])", "m");
    return table.test(text.value);
  }

  function offer() {
    var left = 0;
    buttons.forEach(function (button) {
      button.hidden = written(button.dataset.mode);
      if (!button.hidden) left += 1;
    });
    box.hidden = left === 0;
  }

  buttons.forEach(function (button) {
    button.addEventListener("click", function () {
      var template = document.getElementById("template-" + button.dataset.mode);
      if (!template) return;
      var before = text.value.replace(/\s+$/, "");
      var start = before ? before.length + 2 : 0;
      text.value = (before ? before + "\n\n" : "") + template.textContent.trim() + "\n";
      offer();
      text.setSelectionRange(start, start);  // the button is gone: the table to edit,
      text.focus();  // the caret where it starts
    });
  });
  text.addEventListener("input", offer);
  offer();
})();
