/* Files above the threshold go to @tus-upload in pieces (tus-js-client),
   resume after a dropped connection, and their progress is shown in a
   <progress> bar and announced in a live region. Two pages use it: "Add a
   file" (mode "file": the new file's page opens) and "Add images (DICOM)"
   (mode "images": each large file or zip is sent as images, the smaller
   ones with the form, then the case page shows the new series). */
(function () {
  "use strict";
  function mb(bytes) { return (bytes / 1048576).toFixed(1) + " MB"; }

  function progressBox(after) {
    var box = document.createElement("div");
    box.className = "cpms-resumable mt-2";
    box.hidden = true;
    box.innerHTML =
      '<label class="form-label" for="cpms-resumable-progress">Upload progress</label>' +
      '<progress id="cpms-resumable-progress" class="w-100" max="100" value="0"></progress>' +
      '<p id="cpms-resumable-status" role="status" aria-live="polite"></p>';
    // Right under the file chosen: Plone's form buttons stick to the bottom
    // of the window and would cover anything placed near them.
    after.insertAdjacentElement("afterend", box);
    var status = box.querySelector("[role=status]");
    return {
      box: box,
      bar: box.querySelector("progress"),
      say: function (text) { box.hidden = false; status.textContent = text; }
    };
  }

  /* Sends one file; resolves with the Location of what it became, rejects
     with the server's message. */
  function sendInPieces(file, settings, metadata, ui) {
    var lastSaid = -10;
    ui.bar.value = 0;
    ui.say("Sending " + file.name + " (" + mb(file.size) + ") in pieces.");
    return new Promise(function (resolve, reject) {
      var upload = new window.tus.Upload(file, {
        endpoint: settings.endpoint,
        chunkSize: settings.chunkSize,
        retryDelays: [0, 1000, 3000, 5000, 10000, 20000, 30000],
        removeFingerprintOnSuccess: true,
        headers: { Accept: "application/json" },
        metadata: metadata,
        onProgress: function (sent, total) {
          var percent = Math.floor((sent / total) * 100);
          ui.bar.value = percent;
          ui.bar.setAttribute("aria-valuetext", percent + "%");
          // Announce every tenth, not every piece.
          if (percent - lastSaid >= 10 || percent === 100) {
            lastSaid = percent;
            ui.say(file.name + ": " + percent + "% sent (" + mb(sent) + " of " + mb(total) + ").");
          }
        },
        onShouldRetry: function () {
          ui.say("The connection dropped; trying again from where it stopped.");
          return true;
        },
        onError: function (error) {
          var message = "The upload stopped: " + (error && error.message ? error.message : error);
          var response = error && error.originalResponse;
          if (response) {
            try { message = JSON.parse(response.getBody()).message || message; }
            catch (ignored) { /* not JSON: keep the generic message */ }
          }
          reject(message);
        },
        onSuccess: function (payload) {
          resolve(payload && payload.lastResponse &&
            payload.lastResponse.getHeader("Location"));
        }
      });
      upload.findPreviousUploads().then(function (previous) {
        if (previous.length) {
          upload.resumeFromPreviousUpload(previous[0]);
          ui.say("Going on with the upload of " + file.name + " started before.");
        }
        upload.start();
      });
    });
  }

  function caseUrl(settings) { return settings.endpoint.replace(/\/@tus-upload$/, ""); }

  function bindFileForm(settings) {
    var input = document.querySelector("input[type=file][name='form.widgets.file']");
    if (!input || !input.form) { return; }
    var form = input.form;
    var ui = progressBox(input);
    form.addEventListener("submit", function (event) {
      var submitter = event.submitter;
      if (submitter && submitter.name === "form.buttons.cancel") { return; }
      var file = input.files && input.files[0];
      if (!file || file.size <= settings.threshold) { return; }
      event.preventDefault();
      if (file.size > settings.maxSize) {
        ui.say(file.name + " is " + mb(file.size) + "; the limit is " + mb(settings.maxSize) + ".");
        return;
      }
      var titleInput = form.querySelector("[name='form.widgets.IBasic.title']");
      var buttons = form.querySelectorAll("button, input[type=submit]");
      buttons.forEach(function (b) { b.disabled = true; });
      sendInPieces(file, settings, {
        filename: file.name,
        "@type": settings.type,
        title: titleInput ? titleInput.value : ""
      }, ui).then(function (location) {
        ui.say("Sent. Opening the file's page.");
        window.location.href = location || caseUrl(settings);
      }, function (message) {
        ui.say(message + " Choose the file again to continue.");
        buttons.forEach(function (b) { b.disabled = false; });
      });
    });
  }

  function bindImagesForm(settings) {
    var form = document.querySelector("form.cpms-upload-images");
    if (!form) { return; }
    var inputs = Array.prototype.slice.call(form.querySelectorAll("input[type=file]"));
    var clean = form.querySelector("[name=pixels_clean]");
    var ui = progressBox(inputs[inputs.length - 1]);
    form.addEventListener("submit", function (event) {
      var large = [];
      inputs.forEach(function (input) {
        Array.prototype.forEach.call(input.files || [], function (file) {
          if (file.size > settings.threshold) { large.push(file); }
        });
      });
      if (!large.length) { return; }
      event.preventDefault();
      var tooBig = large.filter(function (file) { return file.size > settings.maxSize; });
      if (tooBig.length) {
        ui.say(tooBig[0].name + " is " + mb(tooBig[0].size) + "; the limit is " + mb(settings.maxSize) + ".");
        return;
      }
      var buttons = form.querySelectorAll("button, input[type=submit]");
      buttons.forEach(function (b) { b.disabled = true; });
      var sent = [];
      large.reduce(function (previous, file) {
        return previous.then(function () {
          var metadata = { filename: file.name, "@type": settings.type, images: "true" };
          if (clean && clean.checked) { metadata.pixels_clean = "true"; }
          return sendInPieces(file, settings, metadata, ui).then(function () { sent.push(file); });
        });
      }, Promise.resolve()).then(function () {
        // The smaller files still go with the form, in one request.
        var rest = 0;
        inputs.forEach(function (input) {
          var keep = new DataTransfer();
          Array.prototype.forEach.call(input.files || [], function (file) {
            if (sent.indexOf(file) < 0) { keep.items.add(file); rest += 1; }
          });
          input.files = keep.files;
        });
        if (rest) {
          ui.say("Sent. Sending the other files.");
          form.submit();
        } else {
          ui.say("Sent. Opening the case's images.");
          window.location.href = caseUrl(settings);
        }
      }, function (message) {
        var stored = sent.length
          ? " Already stored: " + sent.map(function (f) { return f.name; }).join(", ") + "."
          : "";
        ui.say(message + stored + " Choose the files again to continue.");
        buttons.forEach(function (b) { b.disabled = false; });
      });
    });
  }

  function start() {
    var settingsNode = document.getElementById("cpms-resumable-upload");
    if (!settingsNode || !window.tus) { return; }
    var settings = JSON.parse(settingsNode.textContent);
    if (settings.mode === "images") { bindImagesForm(settings); } else { bindFileForm(settings); }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else { start(); }
}());
