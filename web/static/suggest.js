/* Suggestions as you type: an optional enhancement of the plain search form (ARIA 1.2 combobox).
   Without this script the form works the same, just without the list. */
(function () {
  "use strict";

  var DELAY_MS = 120;
  var counter = 0;

  function enhance(input) {
    var endpoint = input.getAttribute("data-suggest");
    if (!endpoint || !window.fetch) return;
    var form = input.form;
    var listId = input.id + "-suggestions";
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Suggestions");
    list.hidden = true;
    input.parentNode.parentNode.appendChild(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);

    var timer = null;
    var controller = null;
    var active = -1;
    var cache = {};
    var typed = input.value;

    function options() { return list.querySelectorAll("[role=option]"); }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    // A suggestion is either the whole query or a completion of its last word.
    function completed(text, suggestion) {
      var head = text.replace(/\S*$/, "");
      if (suggestion.toLowerCase().indexOf(head.toLowerCase()) === 0) return suggestion;
      return head + suggestion;
    }

    function show(text, suggestions) {
      list.textContent = "";
      active = -1;
      suggestions.forEach(function (suggestion, i) {
        var option = document.createElement("li");
        option.id = listId + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = completed(text, suggestion);  // textContent: never parsed as HTML
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();  // keep focus in the box
          choose(option.textContent);
        });
        list.appendChild(option);
      });
      var open = suggestions.length > 0 && document.activeElement === input;
      list.hidden = !open;
      input.setAttribute("aria-expanded", open ? "true" : "false");
    }

    function highlight(index) {
      var items = options();
      if (!items.length) return;
      active = (index + items.length) % items.length;
      for (var i = 0; i < items.length; i++) {
        items[i].setAttribute("aria-selected", i === active ? "true" : "false");
      }
      input.setAttribute("aria-activedescendant", items[active].id);
      input.value = items[active].textContent;
    }

    function choose(text) {
      input.value = text;
      close();
      if (form) form.submit();
    }

    function fetchSuggestions() {
      var text = input.value;
      typed = text;
      if (!text.trim()) { close(); return; }
      if (cache[text]) { show(text, cache[text]); return; }
      if (controller) controller.abort();
      controller = window.AbortController ? new AbortController() : null;
      var request = ++counter;
      fetch(endpoint + "?q=" + encodeURIComponent(text), {
        headers: { "Accept": "application/json" },
        signal: controller ? controller.signal : undefined
      }).then(function (response) {
        return response.ok ? response.json() : { suggestions: [] };
      }).then(function (data) {
        if (request !== counter || input.value !== text) return;  // a newer keystroke won
        cache[text] = data.suggestions || [];
        show(text, cache[text]);
      }).catch(function () { /* suggestions are optional: stay silent */ });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, DELAY_MS);
    });
    input.addEventListener("keydown", function (event) {
      var open = !list.hidden;
      if (event.key === "ArrowDown") {
        if (!open && options().length) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
        highlight(active + 1);
        event.preventDefault();
      } else if (event.key === "ArrowUp" && open) {
        highlight(active - 1);
        event.preventDefault();
      } else if (event.key === "Escape" && open) {
        input.value = typed;
        close();
        event.preventDefault();
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault();
        choose(options()[active].textContent);
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
  }

  function start() {
    var inputs = document.querySelectorAll("input[data-suggest]");
    for (var i = 0; i < inputs.length; i++) enhance(inputs[i]);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
