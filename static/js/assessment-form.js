/* The assessment forms (review and self-assessment), enhanced; they work without it.
   - The error summary, when the page has one, takes the focus (GOV.UK / DSFR pattern).
   - The summary's link to each criterion shows whether it is answered.
   - What is typed is saved as a draft a moment later (data-autosave-url), through the same
     service and row version (optimistic locking) as the form's own button; the time of
     the last save is shown. A save refused as stale stops the autosave and says why. */
(function () {
  "use strict";

  var summary = document.getElementById("error-summary");
  if (summary) {
    if (document.activeElement !== summary) {
      summary.focus();
    }
    // A link of the summary puts the cursor in the field to fix, not only the page there.
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var field = link && document.getElementById(link.getAttribute("href").slice(1));
      if (field) {
        event.preventDefault();
        field.scrollIntoView({ block: "center" });
        field.focus({ preventScroll: true });
      }
    });
  }

  var form = document.querySelector("form.assessment-form");
  if (!form) {
    return;
  }

  function refreshLinks() {
    form.querySelectorAll("fieldset[data-criterion]").forEach(function (fieldset) {
      var link = form.querySelector('[data-criterion-link="' + fieldset.id + '"]');
      if (!link || link.classList.contains("btn-outline-danger")) {
        return;
      }
      var answered = fieldset.querySelector("input[type=radio]:checked") !== null;
      link.classList.toggle("btn-outline-success", answered);
      link.classList.toggle("is-answered", answered);
      link.classList.toggle("btn-outline-secondary", !answered);
    });
  }
  form.addEventListener("change", refreshLinks);

  var url = form.dataset.autosaveUrl;
  var status = form.querySelector("[data-autosave-status]");
  if (!url || !window.fetch || !window.FormData) {
    return;
  }
  var DELAY = 1200;
  var timer = null;
  var inFlight = null;
  var dirty = false;
  var stopped = false;

  // What the answers are, row version and token aside: a change event that changes nothing
  // (a field left as it was) sends nothing.
  function answers() {
    var data = new FormData(form);
    data.delete("row_version");
    data.delete("csrfmiddlewaretoken");
    return new URLSearchParams(data).toString();
  }
  var lastSaved = answers();

  function say(text, failed) {
    if (status) {
      status.textContent = text;
      status.classList.toggle("text-danger", Boolean(failed));
    }
  }

  function save() {
    timer = null;
    if (stopped || !dirty) {
      return Promise.resolve();
    }
    if (inFlight) {
      // One save at a time: the next one carries the row version this one returns.
      return inFlight.then(save);
    }
    dirty = false;
    var sending = answers();
    if (sending === lastSaved) {
      return Promise.resolve();
    }
    inFlight = fetch(url, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
      keepalive: true, // a save started as the page is left still reaches the server
    })
      .then(function (response) {
        return response.json().then(function (body) {
          return { status: response.status, body: body };
        });
      })
      .then(function (result) {
        if (result.body.saved) {
          lastSaved = sending;
          form.querySelector("input[name=row_version]").value = result.body.row_version;
          say(result.body.message, false);
        } else {
          say(result.body.message, true);
          if (result.status === 409) {
            stopped = true;
          }
        }
      })
      .catch(function () {
        dirty = true; // kept for the next attempt
        say(form.dataset.autosaveOffline || "", true);
      })
      .then(function () {
        inFlight = null;
      });
    return inFlight;
  }

  function schedule() {
    dirty = true;
    if (timer) {
      clearTimeout(timer);
    }
    timer = setTimeout(save, DELAY);
  }
  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);

  // The form's own buttons wait for a save under way, so that they carry its row version.
  form.addEventListener("submit", function (event) {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    stopped = true;
    if (inFlight) {
      event.preventDefault();
      var submitter = event.submitter;
      inFlight.then(function () {
        form.requestSubmit(submitter);
      });
    }
  });

  // Leaving the page: what is pending is sent now.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && timer) {
      clearTimeout(timer);
      save();
    }
  });
})();
