(function () {
  "use strict";
  var form = document.querySelector("form[data-index]");
  var input = form && form.querySelector("input[name=q]");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  if (!input || !list || !window.fetch) return;
  var MAX = 50, layout = null, loading = null, timer = 0, asked = 0;
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
  // The query's words, split as the index splits text (src/render/search.rs, `tokens`):
  // "F-35" is one word, "f35"; words of one letter are left out.
  function tokens(q) {
    var out = [];
    fold(q).replace(/[\p{Alphabetic}\p{N}]+(?:[-.'][\p{Alphabetic}\p{N}]+)*/gu, function (w) {
      w = w.replace(/[-.']/g, "");
      if (Array.from(w).length > 1) out.push(w);
      return w;
    });
    return out;
  }
  // The bucket file of a word: FNV-1a over the code points of its first two letters.
  function bucket(w) {
    var h = 0x811c9dc5;
    Array.from(w).slice(0, 2).forEach(function (c) {
      h = Math.imul(h ^ c.codePointAt(0), 0x01000193) >>> 0;
    });
    return h % layout.buckets;
  }
  var dir = (form.getAttribute("data-index") || "").replace(/[^\/]*$/, ""), files = {};
  function json(path) {
    files[path] = files[path] || fetch(dir + path).then(function (r) {
      if (!r.ok) throw r.status;
      return r.json();
    }).catch(function (e) { delete files[path]; throw e; });
    return files[path];
  }
  function load() {
    loading = loading || json("index.json").then(function (data) {
      layout = data;
      run();
    }, function () {
      loading = null;
      say(word("search_unavailable"));
    });
  }
  // The articles with a word starting with `w`: article number → whether the headline has it.
  function find(w) {
    if (layout.common.indexOf(w) >= 0) return Promise.resolve(null);
    return json("w/" + bucket(w) + ".json").catch(function (e) {
      if (e === 404) return {};
      throw e;
    }).then(function (words) {
      var found = new Map();
      Object.keys(words).forEach(function (k) {
        if (k.lastIndexOf(w, 0) !== 0) return;
        for (var list = arr(words[k]), j = 0, p = 0; j < list.length; j++) {
          p += list[j];
          var id = p >> 1;
          found.set(id, found.get(id) || (p & 1) === 1);
        }
      });
      return found;
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
    var q = input.value.trim(), words = tokens(q), ask = ++asked;
    if (!words.length) {
      list.textContent = "";
      list.hidden = true;
      return say("");
    }
    if (!layout) return say(word("searching")), load();
    Promise.all(words.map(find)).then(function (sets) {
      // Articles with every word (a word too common to index is in all), the headline's
      // matches first, then newest.
      var hits = null;
      sets.forEach(function (found) {
        if (!found) return;
        var next = [];
        (hits || Array.from(found.keys(), function (id) { return { id: id, s: 0 }; }))
          .forEach(function (h) { if (found.has(h.id)) next.push(h); });
        next.forEach(function (h) { if (found.get(h.id)) h.s++; });
        hits = next;
      });
      if (!hits) hits = Array.from({ length: layout.docs }, function (_, id) { return { id: id, s: 0 }; });
      hits.sort(function (a, b) { return b.s - a.s || a.id - b.id; });
      var shown = hits.slice(0, MAX), chunks = {};
      shown.forEach(function (h) { chunks[Math.floor(h.id / layout.chunk)] = 1; });
      return Promise.all(Object.keys(chunks).map(function (c) {
        return json("d/" + c + ".json").then(function (d) { chunks[c] = arr(d); });
      })).then(function () {
        if (ask !== asked) return;
        list.textContent = "";
        shown.forEach(function (h) {
          var e = chunks[Math.floor(h.id / layout.chunk)][h.id % layout.chunk];
          if (e) list.appendChild(card(e));
        });
        list.hidden = !shown.length;
        var n = hits.length;
        say(n ? word("search_results", n, q) + (n > MAX ? word("search_showing_first", MAX) : "")
          : word("search_no_results", 0, q));
      });
    }).catch(function () {
      if (ask === asked) say(word("search_unavailable"));
    });
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
