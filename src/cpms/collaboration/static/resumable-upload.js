/* "Add a file": a file above the threshold goes to @tus-upload in pieces
   (tus-js-client), resumes after a dropped connection, and its progress is
   shown in a <progress> bar and announced in a live region. */
(function () {
  "use strict";
  function start() {
    var settingsNode = document.getElementById("cpms-resumable-upload");
    if (!settingsNode || !window.tus) { return; }
    var settings = JSON.parse(settingsNode.textContent);
    var input = document.querySelector("input[type=file][name='form.widgets.file']");
    if (!input || !input.form) { return; }
    var form = input.form;
    var box = document.createElement("div");
    box.className = "cpms-resumable mt-2";
    box.hidden = true;
    box.innerHTML =
      '<label class="form-label" for="cpms-resumable-progress">Upload progress</label>' +
      '<progress id="cpms-resumable-progress" class="w-100" max="100" value="0"></progress>' +
      '<p id="cpms-resumable-status" role="status" aria-live="polite"></p>';
    // Right under the file chosen: Plone's form buttons stick to the bottom
    // of the window and would cover anything placed near them.
    input.insertAdjacentElement("afterend", box);
    var bar = box.querySelector("progress");
    var status = box.querySelector("[role=status]");
    var lastSaid = -10;
    function mb(bytes) { return (bytes / 1048576).toFixed(1) + " MB"; }
    function say(text) { status.textContent = text; }

    form.addEventListener("submit", function (event) {
      var submitter = event.submitter;
      if (submitter && submitter.name === "form.buttons.cancel") { return; }
      var file = input.files && input.files[0];
      if (!file || file.size <= settings.threshold) { return; }
      event.preventDefault();
      if (file.size > settings.maxSize) {
        box.hidden = false;
        say(file.name + " is " + mb(file.size) + "; the limit is " + mb(settings.maxSize) + ".");
        return;
      }
      var titleInput = form.querySelector("[name='form.widgets.IBasic.title']");
      var buttons = form.querySelectorAll("button, input[type=submit]");
      buttons.forEach(function (b) { b.disabled = true; });
      box.hidden = false;
      say("Sending " + file.name + " (" + mb(file.size) + ") in pieces.");
      var upload = new window.tus.Upload(file, {
        endpoint: settings.endpoint,
        chunkSize: settings.chunkSize,
        retryDelays: [0, 1000, 3000, 5000, 10000, 20000, 30000],
        removeFingerprintOnSuccess: true,
        headers: { Accept: "application/json" },
        metadata: {
          filename: file.name,
          "@type": settings.type,
          title: titleInput ? titleInput.value : ""
        },
        onProgress: function (sent, total) {
          var percent = Math.floor((sent / total) * 100);
          bar.value = percent;
          bar.setAttribute("aria-valuetext", percent + "%");
          // Announce every tenth, not every piece.
          if (percent - lastSaid >= 10 || percent === 100) {
            lastSaid = percent;
            say(percent + "% sent (" + mb(sent) + " of " + mb(total) + ").");
          }
        },
        onShouldRetry: function () {
          say("The connection dropped; trying again from where it stopped.");
          return true;
        },
        onError: function (error) {
          var message = "The upload stopped: " + (error && error.message ? error.message : error);
          var response = error && error.originalResponse;
          if (response) {
            try { message = JSON.parse(response.getBody()).message || message; }
            catch (ignored) { /* not JSON: keep the generic message */ }
          }
          say(message + " Choose the file again to continue.");
          buttons.forEach(function (b) { b.disabled = false; });
        },
        onSuccess: function (payload) {
          say("Sent. Opening the file's page.");
          var location = payload && payload.lastResponse &&
            payload.lastResponse.getHeader("Location");
          window.location.href = location || settings.endpoint.replace(/\/@tus-upload$/, "");
        }
      });
      upload.findPreviousUploads().then(function (previous) {
        if (previous.length) {
          upload.resumeFromPreviousUpload(previous[0]);
          say("Going on with the upload of " + file.name + " started before.");
        }
        upload.start();
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else { start(); }
}());
