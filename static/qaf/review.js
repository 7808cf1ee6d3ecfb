// The review page's autosave. htmx posts the form (form[data-autosave]) on every change; this
// file only covers the edges. Without JavaScript the page is a plain form ("Save draft",
// "Submit review") and loses nothing either.
(function () {
  "use strict";

  function autosaveForm(elt) {
    return elt && elt.closest ? elt.closest("form[data-autosave]") : null;
  }

  function statusRegion() {
    return document.getElementById("autosave-status");
  }

  function showMessage(templateId) {
    var message = document.getElementById(templateId);
    if (message) { statusRegion().replaceChildren(message.content.cloneNode(true)); }
  }

  // The autosave view's refusals (409: someone saved first; 403: no longer editable; 400) carry
  // a message for the status region (marked X-Autosave-Status): swap it in, although htmx leaves
  // error responses out by default. An expired session answers with the log-in page, and any
  // other failure (server error, no network) with nothing useful: say so in words.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var form = autosaveForm(event.detail.elt);
    if (!form) { return; }
    var xhr = event.detail.xhr;
    var loginPath = new URL(form.dataset.loginUrl || "/login/", window.location.href).pathname;
    if (xhr.responseURL && new URL(xhr.responseURL).pathname === loginPath) {
      event.detail.shouldSwap = false;
      showMessage("autosave-session-ended");
    } else if (xhr.getResponseHeader("X-Autosave-Status")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    } else if (xhr.status >= 400) {
      event.detail.shouldSwap = false;
      showMessage("autosave-failed");
    }
  });
  document.addEventListener("htmx:sendError", function (event) {
    if (autosaveForm(event.detail.elt)) { showMessage("autosave-failed"); }
  });

  // Count edits, and which were sent, so a tab closed within the autosave delay is caught.
  var edits = 0, sent = 0, saved = 0, submitting = false;
  document.addEventListener("input", function (event) {
    if (autosaveForm(event.target)) { edits += 1; }
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (autosaveForm(event.detail.elt)) { sent = edits; }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (autosaveForm(event.detail.elt) && event.detail.successful) { saved = sent; }
  });

  // "Save draft" or "Submit review" while an autosave is on its way would post the version the
  // autosave is about to replace, and be refused as stale: wait for it, then post.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-autosave]")) { return; }
    if (form.classList.contains("htmx-request")) {
      event.preventDefault();
      var submitter = event.submitter;
      form.addEventListener("htmx:afterRequest", function () {
        window.setTimeout(function () { form.requestSubmit(submitter); }, 0);
      }, { once: true });
      return;
    }
    submitting = true;
  });

  // Leaving while a change is unsaved or on its way: ask first (the browser's own dialog).
  window.addEventListener("beforeunload", function (event) {
    var form = document.querySelector("form[data-autosave]");
    if (!form || submitting) { return; }
    if (edits !== saved || form.classList.contains("htmx-request")) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // Leaving anyway (or closing the tab) within the autosave delay: send what is not saved yet.
  // pagehide, not visibilitychange: a tab merely switched away from comes back to a page whose
  // version the beacon would have made stale.
  var beaconSent = false;
  window.addEventListener("pagehide", function () {
    if (submitting || edits === saved) { return; }
    var form = document.querySelector("form[data-autosave]");
    if (form && navigator.sendBeacon) {
      beaconSent = navigator.sendBeacon(form.getAttribute("hx-post"), new FormData(form));
      saved = edits;
    }
  });
  // Back to a page kept in the browser's cache after a beacon: its version is old, so reload.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && beaconSent) { window.location.reload(); }
  });
})();
