// A form's "Add a mode" / "Add a section" buttons (a zone's companion modes, the
// distribution settings): each puts its part's template (the table shown under
// "Parameters", every parameter at its default with what it means) at the end of the
// text area it controls; a part already in the text has no button. A part of top-level
// keys (data-keys, the distribution's binding and overflow) goes at the start, before
// any table. Without scripts the buttons stay hidden and the templates are copied from
// the parameters' reference.
(function () {
  "use strict";
  var box = document.getElementById("mode-add");
  if (!box) return;
  var buttons = Array.prototype.slice.call(box.querySelectorAll("button[data-mode]"));
  var text = buttons.length && document.getElementById(buttons[0].getAttribute("aria-controls"));
  if (!text) return;

  function written(button) {
    var keys = button.dataset.keys;
    if (keys) {  // binding = …, overflow = …
      return new RegExp("^\\s*(" + keys.split(" ").join("|") + ")\\s*=", "m").test(text.value);
    }
    var part = button.dataset.mode;  // [part], ["part"], [[part]], [part.x], part.key = …, part = {…}
    var table = new RegExp("^\\s*(\\[{1,2}\\s*\"?" + part + "\"?\\s*[\\].]|" + part + "\\s*[.=])", "m");
    return table.test(text.value);
  }

  function offer() {
    var left = 0;
    buttons.forEach(function (button) {
      button.hidden = written(button);
      if (!button.hidden) left += 1;
    });
    box.hidden = left === 0;
  }

  buttons.forEach(function (button) {
    button.addEventListener("click", function () {
      var template = document.getElementById("template-" + button.dataset.mode);
      if (!template) return;
      var table = template.textContent.trim();
      var start;
      if (button.dataset.keys) {  // top-level keys: before the first table
        var after = text.value.replace(/^\s+/, "");
        text.value = table + "\n" + (after ? "\n" + after : "");
        start = 0;
      } else {
        var before = text.value.replace(/\s+$/, "");
        start = before ? before.length + 2 : 0;
        text.value = (before ? before + "\n\n" : "") + table + "\n";
      }
      offer();
      text.setSelectionRange(start, start);  // the button is gone: the table to edit,
      text.focus();  // the caret where it starts
    });
  });
  text.addEventListener("input", offer);
  offer();
})();
