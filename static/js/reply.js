(function () {
  "use strict";
  var respond = document.getElementById("respond");
  // When the page was loaded: the intake drops a form sent within seconds of it (a robot).
  var ts = respond && respond.querySelector("input[name=ts]");
  if (ts) ts.value = String(Date.now());
  var parent = document.getElementById("respond-parent");
  if (!respond || !parent || !window.history) return;
  var note = respond.querySelector(".replying-to");
  var name = note && note.querySelector("[data-reply-name]");
  // Where the form lives when it answers the article: it goes back there on "Cancel reply".
  // (Without script the reply links still lead to the form, at this place.)
  var home = document.createElement("div");
  home.hidden = true;
  respond.parentNode.insertBefore(home, respond);
  // The reply link that moved the form, to give focus back to on cancel.
  var opener = null;

  function setUrl(query) {
    history.replaceState(history.state, "", location.pathname + query + "#respond");
  }

  function focusName() {
    var field = document.getElementById("respond-name");
    if (field) field.focus({ preventScroll: true });
  }

  // Puts the form right under the comment being answered, before that comment's replies, as
  // WordPress's comment-reply script does: on a phone the reader keeps the comment in sight.
  function setup(link, focus, fromClick) {
    var id = link.getAttribute("data-reply-to");
    var comment = document.getElementById("comment-" + id);
    var body = comment && comment.querySelector(":scope > .comment-body");
    if (body) body.parentNode.insertBefore(respond, body.nextSibling);
    respond.classList.add("is-reply");
    opener = link;
    parent.value = id;
    if (note) {
      if (name) name.textContent = link.getAttribute("data-reply-name") || "";
      note.hidden = false;
    }
    if (fromClick) setUrl("?replytocom=" + encodeURIComponent(id));
    if (focus) {
      respond.scrollIntoView({ block: "nearest" });
      focusName();
    }
  }

  function cancel() {
    home.parentNode.insertBefore(respond, home.nextSibling);
    respond.classList.remove("is-reply");
    parent.value = "";
    if (note) note.hidden = true;
    setUrl("");
    if (opener && document.contains(opener)) opener.focus();
    else focusName();
    opener = null;
  }

  document.addEventListener("click", function (e) {
    if (e.button || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
    var t = e.target.closest && e.target.closest(".reply-link[data-reply-to], [data-cancel-reply]");
    if (!t) return;
    e.preventDefault();
    if (t.hasAttribute("data-cancel-reply")) cancel();
    else setup(t, true, true);
  });

  var id = new URLSearchParams(location.search).get("replytocom");
  if (id && window.CSS && CSS.escape) {
    var link = document.querySelector("#comment-" + CSS.escape(id) +
      " .reply-link[data-reply-to=\"" + CSS.escape(id) + "\"]");
    if (link) setup(link, location.hash === "#respond", false);
  }
})();
