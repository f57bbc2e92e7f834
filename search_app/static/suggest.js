// Suggestions under the search box, completing the word being typed from /api/v1/suggest.
// An ARIA 1.2 combobox: the list is announced, Up and Down move through it, Enter searches the chosen one,
// Escape closes it. The list floats over the page, so nothing moves when it opens. Without this script the box
// is a plain search field.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.querySelector("input[data-suggest-url]");
  const list = box && document.getElementById(box.dataset.suggestList);
  if (!list) return;
  const language = box.form.querySelector("select[name=lang]");
  const WAIT_MS = 120; // typing pause before asking, so a fast typist sends one request, not one per key
  let timer = null;
  let pending = null;
  let active = -1;

  box.setAttribute("role", "combobox");
  box.setAttribute("aria-autocomplete", "list");
  box.setAttribute("aria-expanded", "false");
  box.setAttribute("aria-controls", list.id);

  const options = () => Array.from(list.querySelectorAll("[role=option]"));

  function close() {
    list.hidden = true;
    list.replaceChildren();
    active = -1;
    box.setAttribute("aria-expanded", "false");
    box.removeAttribute("aria-activedescendant");
  }

  function highlight(index) {
    const all = options();
    active = (index + all.length) % all.length;
    all.forEach((option, n) => option.setAttribute("aria-selected", String(n === active)));
    box.setAttribute("aria-activedescendant", all[active].id);
  }

  function choose(option) {
    box.value = option.dataset.text;
    close();
    box.form.requestSubmit();
  }

  function show(suggestions) {
    list.replaceChildren();
    suggestions.forEach((suggestion, n) => {
      const option = document.createElement("li");
      option.id = `${list.id}-${n}`;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.lang = suggestion.lang;
      option.dataset.text = suggestion.text;
      option.textContent = suggestion.text;
      option.addEventListener("mousedown", (event) => event.preventDefault()); // keep focus in the box
      option.addEventListener("click", () => choose(option));
      list.append(option);
    });
    list.hidden = suggestions.length === 0;
    box.setAttribute("aria-expanded", String(suggestions.length > 0));
    active = -1;
  }

  async function ask() {
    pending?.abort();
    const text = box.value;
    if (!text.trim() || /\s$/.test(text)) return close();
    pending = new AbortController();
    const url = new URL(box.dataset.suggestUrl, window.location.href);
    url.search = new URLSearchParams({ q: text, lang: language ? language.value : "auto", limit: "8" });
    try {
      const response = await fetch(url, { signal: pending.signal });
      if (response.ok) show((await response.json()).suggestions);
    } catch (error) {
      if (error.name !== "AbortError") close();
    }
  }

  box.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(ask, WAIT_MS);
  });
  box.addEventListener("keydown", (event) => {
    if (list.hidden) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      highlight(active + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      choose(options()[active]);
    } else if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  });
  box.addEventListener("blur", close);
});
