// Refreshes the page when the preview renders again: the server sends a
// "render" event with its generation; when it differs from the page's, the
// page fetches itself, waits for the new page images, and swaps #live.
(() => {
  let busy = false, again = false;
  const live = () => document.getElementById("live");
  const preload = src => new Promise(done => {
    const img = new Image();
    img.onload = img.onerror = done;
    img.src = src;
  });
  async function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    try {
      const res = await fetch(location.pathname, {cache: "no-store"});
      const next = new DOMParser().parseFromString(await res.text(), "text/html");
      await Promise.all([...next.querySelectorAll("#live img[src]")].map(i => preload(i.getAttribute("src"))));
      for (const d of live().querySelectorAll("details[open][id]")) {
        const same = next.getElementById(d.id);
        if (same) same.open = true; // keep what the designer unfolded
      }
      document.title = next.title;
      live().replaceWith(document.adoptNode(next.getElementById("live")));
    } catch (err) {
      console.warn("livery preview: refresh failed", err);
    } finally {
      busy = false;
      if (again) { again = false; refresh(); }
    }
  }
  new EventSource("/events").addEventListener("render", ev => {
    if (ev.data !== live().dataset.gen) refresh();
  });
})();
