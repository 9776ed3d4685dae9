// Livery studio: small conveniences on top of pages that work without them.
// Forms with data-busy say what they are doing and cannot be sent twice;
// an archive over the upload limit is caught before it is sent.
(() => {
  for (const form of document.querySelectorAll("form[data-busy]")) {
    form.addEventListener("submit", ev => {
      const file = form.querySelector("input[type=file][data-max]");
      const note = form.querySelector(".client-error");
      if (file && file.files.length && file.files[0].size > Number(file.dataset.max)) {
        ev.preventDefault();
        if (note) {
          note.textContent = `${file.files[0].name} is ${(file.files[0].size / 1048576).toFixed(1)} MB: the limit for a kit is ${(Number(file.dataset.max) / 1048576).toFixed(0)} MB.`;
          note.hidden = false;
        }
        return;
      }
      const button = form.querySelector("button[type=submit]");
      if (button) {
        button.dataset.label = button.textContent;
        button.textContent = form.dataset.busy;
        setTimeout(() => { button.disabled = true; }); // after the browser has taken the form
      }
    });
  }
  // Coming back with the browser's Back button shows the forms usable again.
  addEventListener("pageshow", () => {
    for (const button of document.querySelectorAll("button[data-label]")) {
      button.textContent = button.dataset.label;
      button.disabled = false;
    }
  });
})();
