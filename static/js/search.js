(function () {
  "use strict";
  var form = document.querySelector("form[data-index]");
  var input = form && form.querySelector("input[name=q]");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  if (!input || !list || !window.fetch) return;
  var MAX = 50, index = null, loading = null, timer = 0;
  // The page's words (site.toml's [words] over the theme's), English when the template gives none.
  var WORDS = {
    searching: "Searching…", search_unavailable: "Sorry, search is unavailable right now.",
    search_results: { one: "{n} result for “{q}”", other: "{n} results for “{q}”" },
    search_showing_first: ", showing the first {n}",
    search_no_results: "No results for “{q}”. Try other words.", untitled: "Untitled", and: "and"
  };
  try { Object.assign(WORDS, JSON.parse(form.getAttribute("data-words") || "{}")); } catch (x) {}
  var plural = window.Intl && Intl.PluralRules ? new Intl.PluralRules(document.documentElement.lang || "en") : null;
  // The phrase `key`, in the form for `n` by the language's rules, with {n} and {q} filled in.
  function word(key, n, q) {
    var w = WORDS[key], text = w;
    if (w && typeof w === "object") text = (n === 0 && w.zero) || (plural && w[plural.select(n)]) || w.other;
    return String(text || "").replace("{n}", n).replace("{q}", function () { return q; });
  }
  var FOLD = {"ł":"l","ø":"o","đ":"d","ı":"i","æ":"ae","œ":"oe","þ":"th","’":"'","–":"-","—":"-"};
  // "Grüße" and "GRUSSE" fold to "grusse".
  function fold(s) {
    return String(s || "").toUpperCase().toLowerCase().normalize("NFD")
      .replace(/[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff]/g, "")
      .replace(/[łøđıæœþ’–—]/g, function (c) { return FOLD[c]; });
  }
  function arr(a) { return Array.isArray(a) ? a : []; }
  function say(text) { if (status.textContent !== text) status.textContent = text; }
  function load() {
    loading = loading || fetch(form.getAttribute("data-index")).then(function (r) {
      if (!r.ok) throw r.status;
      return r.json();
    }).then(function (data) {
      index = arr(data).filter(Boolean).map(function (e, i) {
        return { e: e, i: i, t: fold(e.title), h: fold([e.title, e.summary, e.category].concat(arr(e.authors), arr(e.tags)).join("\n")) };
      });
      run();
    }, function () {
      loading = null;
      say(word("search_unavailable"));
    });
  }
  function el(parent, tag, cls, text) {
    var n = parent.appendChild(document.createElement(tag));
    if (cls) n.className = cls;
    if (text) n.textContent = text;
    return n;
  }
  // Same-site paths only: "/x/", not "//x".
  function safe(u) {
    try {
      return /^\/[^\/\\]/.test(u) && new URL(u, location.href).origin === location.origin;
    } catch (x) { return false; }
  }
  function card(e) {
    var li = document.createElement("li"), art = el(li, "article"), ok = safe(e.url), who = arr(e.authors).slice();
    li.className = "card";
    if (e.category) el(art, "p", "kicker", e.category);
    var a = el(el(art, "h2", "card-title"), ok ? "a" : "span", "", e.title || word("untitled"));
    if (ok) a.href = e.url;
    if (e.summary) el(art, "p", "card-summary", e.summary);
    var meta = el(art, "p", "meta"), last = who.pop();
    if (last) meta.textContent = (who.length ? who.join(", ") + " " + word("and") + " " : "") + last + " · ";
    el(meta, "time", "", e.date_human || e.date).dateTime = e.date || "";
    return li;
  }
  function run() {
    var q = input.value.trim(), words = fold(q).split(/\s+/).filter(Boolean), hits = [];
    list.textContent = "";
    list.hidden = true;
    if (!words.length) return say("");
    if (!index) return say(word("searching")), load();
    index.forEach(function (x) {
      for (var k = 0, s = 0; k < words.length; k++) {
        if (x.h.indexOf(words[k]) < 0) return;
        if (x.t.indexOf(words[k]) >= 0) s++;
      }
      x.s = s;
      hits.push(x);
    });
    // Title matches first, then newest.
    hits.sort(function (a, b) { return b.s - a.s || a.i - b.i; });
    hits.slice(0, MAX).forEach(function (h) { list.appendChild(card(h.e)); });
    list.hidden = !hits.length;
    var n = hits.length;
    say(n ? word("search_results", n, q) + (n > MAX ? word("search_showing_first", MAX) : "")
      : word("search_no_results", 0, q));
  }
  function update() {
    var q = input.value.trim();
    clearTimeout(timer);
    history.replaceState(null, "", location.pathname + (q ? "?" + new URLSearchParams({ q: q }) : ""));
    run();
  }
  input.addEventListener("focus", load);
  input.addEventListener("input", function () {
    load();
    clearTimeout(timer);
    timer = setTimeout(update, 150);
  });
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    update();
  });
  var start = new URLSearchParams(location.search).get("q");
  if (start) {
    input.value = start;
    run();
  }
})();
