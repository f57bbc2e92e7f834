// Side-by-side view: a paragraph that is clicked or focused highlights the paragraphs aligned with it.
// The page works without this script; it only adds the highlight.
document.addEventListener("DOMContentLoaded", () => {
  const view = document.querySelector("[data-side-by-side]");
  if (!view) return;
  view.addEventListener("focusin", (event) => {
    const paragraph = event.target.closest("[data-partners]");
    if (!paragraph) return;
    view.querySelectorAll(".is-active, .is-partner").forEach((el) => el.classList.remove("is-active", "is-partner"));
    paragraph.classList.add("is-active");
    for (const id of paragraph.dataset.partners.split(" ").filter(Boolean)) {
      document.getElementById(id)?.classList.add("is-partner");
    }
  });
});
