// The session warning. A session ends after 30 idle minutes (every request to QAF renews it) and
// 12 hours after log-in whatever happens. Five minutes before either, say so; for the idle limit
// offer "Stay logged in", which pings the server. The numbers come from data-* attributes of
// #session-warning, the words from <template>s (accounts/session_warning.html): no inline script.
//
// The review page's autosave (review.js) is a request too: each save renews the clock here, so
// someone typing a review is never warned, and the warning never touches the form or its focus.
(function () {
  "use strict";

  var KEY = "qaf.session.lastActivity"; // shared by every QAF tab of this browser
  var region, idleMs, warnMs, capAt, shown = null, returnFocus = null;

  function lastActivity() {
    var here = Number(region.dataset.lastActivity || 0);
    var shared = 0;
    try { shared = Number(window.localStorage.getItem(KEY) || 0); } catch (e) { /* private mode */ }
    return Math.max(here, shared);
  }

  function renewed() {
    var now = Date.now();
    region.dataset.lastActivity = String(now);
    try { window.localStorage.setItem(KEY, String(now)); } catch (e) { /* private mode */ }
    check();
  }

  function show(templateId, endsAt) {
    if (shown === templateId) { return; }
    if (!shown) { returnFocus = document.activeElement; }
    shown = templateId;
    var content = document.getElementById(templateId).content.cloneNode(true);
    var time = content.querySelector("[data-session-time]");
    if (time) {
      time.textContent = new Date(endsAt).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
    }
    var login = content.querySelector("[data-session-login]");
    if (login) { login.href = region.dataset.loginUrl; }
    region.replaceChildren(content);
  }

  function hide() {
    if (shown === "session-expiring" || shown === "session-capped") {
      region.replaceChildren();
      shown = null;
    }
  }

  function check() {
    var now = Date.now();
    var idleEnd = lastActivity() + idleMs;
    var end = capAt ? Math.min(idleEnd, capAt) : idleEnd;
    if (now >= end) {
      show("session-ended", end);
    } else if (now >= end - warnMs) {
      show(capAt && capAt <= idleEnd ? "session-capped" : "session-expiring", end);
    } else if (shown !== "session-ended") {
      hide();
    }
  }

  function stayLoggedIn(button) {
    button.disabled = true;
    fetch(region.dataset.keepAliveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": region.dataset.csrfToken },
    }).then(function (response) {
      if (!response.ok || response.redirected) { throw new Error("session ended"); }
      renewed();
      region.replaceChildren(document.getElementById("session-extended").content.cloneNode(true));
      shown = "session-extended";
      if (returnFocus && document.body.contains(returnFocus)) { returnFocus.focus(); }
    }).catch(function () {
      show("session-ended", Date.now());
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    region = document.getElementById("session-warning");
    if (!region) { return; }
    idleMs = Number(region.dataset.idleSeconds) * 1000;
    warnMs = Number(region.dataset.warnSeconds) * 1000;
    capAt = Number(region.dataset.endsAt) || null;
    renewed(); // this page's own request renewed the session

    region.addEventListener("click", function (event) {
      var button = event.target.closest("[data-session-stay]");
      if (button) { stayLoggedIn(button); }
    });
    // Every htmx request that reached QAF (an autosave, a filter) renewed the session; one that
    // met the log-in page did not.
    document.addEventListener("htmx:afterRequest", function (event) {
      var xhr = event.detail.xhr;
      var login = new URL(region.dataset.loginUrl, window.location.href).pathname;
      if (xhr && xhr.status && !(xhr.responseURL && new URL(xhr.responseURL).pathname === login)) {
        renewed();
      }
    });
    window.addEventListener("storage", function (event) {
      if (event.key === KEY) { check(); }
    });
    window.setInterval(check, 15 * 1000);
  });
})();
