/* Filters search.js's rows by the words typed (all of them, anywhere in the quotation and its
   speaker, or in the article's title and outlet; case and accents ignored) and lists the
   first matches; the query lives in the address (#q=...), so a search can be linked to. */
(() => {
  const data = window.claimxSearch || {quotes: [], articles: []};
  const box = document.getElementById("cx-q");
  const out = document.getElementById("cx-results");
  const LIMIT = 50;
  const fold = (s) => (s || "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
    .toLowerCase();
  const words = (s) => fold(s).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  let quotes = null;
  let articles = null;
  const link = (href, text) => {
    const a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    return a;
  };
  const list = (title, found, item) => {
    const h = document.createElement("h2");
    const more = found.length > LIMIT ? ` (the first ${LIMIT})` : "";
    h.textContent = `${found.length} ${title}${found.length === 1 ? "" : "s"}${more}`;
    const ol = document.createElement("ol");
    ol.className = "cx-found";
    for (const [, row] of found.slice(0, LIMIT)) {
      const li = document.createElement("li");
      li.append(...item(row));
      ol.append(li);
    }
    out.append(h, ol);
  };
  const note = (text) => {
    const small = document.createElement("small");
    small.textContent = text;
    return small;
  };
  const run = (query) => {
    const wanted = words(query);
    out.replaceChildren();
    out.hidden = !wanted.length;
    if (!wanted.length) return;
    quotes = quotes || data.quotes.map((q) => [fold(`${q[1]} ${q[2] || ""}`), q]);
    articles = articles || data.articles.map((a) => [fold(`${a[1]} ${a[2] || ""}`), a]);
    const hit = ([text]) => wanted.every((w) => text.includes(w));
    list("quotation", quotes.filter(hit), (q) => [
      link(`quotes/${q[0]}.html`, q[1]),
      note(` ${q[2] || "(no named speaker)"} · ${q[3]} article${q[3] === 1 ? "" : "s"}`),
    ]);
    list("article", articles.filter(hit), (a) => [
      link(`articles/${a[0]}.html`, a[1]),
      note(` ${[a[2], a[3]].filter(Boolean).join(" · ")}`),
    ]);
  };
  const fromHash = () => {
    const found = location.hash.match(/^#q=(.*)$/);
    if (!found) return "";
    try { return decodeURIComponent(found[1]); } catch { return found[1]; }
  };
  box.addEventListener("input", () => {
    const here = location.href.split("#")[0];
    const hash = box.value ? `#q=${encodeURIComponent(box.value)}` : "";
    try {
      history.replaceState(null, "", here + hash);
    } catch { /* an old browser, on a file: URL */ }
    run(box.value);
  });
  document.getElementById("cx-search").addEventListener("submit", (e) => e.preventDefault());
  window.addEventListener("hashchange", () => { box.value = fromHash(); run(box.value); });
  box.value = fromHash();
  run(box.value);
})();
