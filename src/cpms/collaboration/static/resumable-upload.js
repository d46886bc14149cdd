/* Files above the threshold go to @tus-upload in pieces (tus-js-client),
   resume after a dropped connection, and their progress is shown in a
   <progress> bar and announced in a live region. Two pages use it: "Add a
   file" (mode "file": the new file's page opens) and "Add images (DICOM)"
   (mode "images": each large file or zip is sent as images, the smaller
   ones with the form, then the case page shows the new series). */
(function () {
  "use strict";
  function mb(bytes) { return (bytes / 1048576).toFixed(1) + " MB"; }

  /* The page's language: the viewlet passes the translated texts, with
     ${name} parts filled in here. */
  var texts = {};
  function t(key, values) {
    return (texts[key] || key).replace(/\$\{(\w+)\}/g, function (whole, name) {
      return values && values[name] !== undefined ? String(values[name]) : whole;
    });
  }

  function progressBox(after) {
    var box = document.createElement("div");
    box.className = "cpms-resumable mt-2";
    box.hidden = true;
    box.innerHTML =
      '<label class="form-label" for="cpms-resumable-progress"></label>' +
      '<progress id="cpms-resumable-progress" class="w-100" max="100" value="0"></progress>' +
      '<p id="cpms-resumable-status" role="status" aria-live="polite"></p>';
    // Right under the file chosen: Plone's form buttons stick to the bottom
    // of the window and would cover anything placed near them.
    after.insertAdjacentElement("afterend", box);
    box.querySelector("label").textContent = t("label");
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
    ui.say(t("sending", { file: file.name, size: mb(file.size) }));
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
            ui.say(t("progress", { file: file.name, percent: percent, sent: mb(sent), total: mb(total) }));
          }
        },
        onShouldRetry: function () {
          ui.say(t("retry"));
          return true;
        },
        onError: function (error) {
          var message = t("stopped", { error: error && error.message ? error.message : error });
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
          ui.say(t("resuming", { file: file.name }));
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
        ui.say(t("too_big", { file: file.name, size: mb(file.size), limit: mb(settings.maxSize) }));
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
        ui.say(t("sent_file"));
        window.location.href = location || caseUrl(settings);
      }, function (message) {
        ui.say(message + " " + t("again_file"));
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
        ui.say(t("too_big", { file: tooBig[0].name, size: mb(tooBig[0].size), limit: mb(settings.maxSize) }));
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
          ui.say(t("sent_more"));
          form.submit();
        } else {
          ui.say(t("sent_images"));
          window.location.href = caseUrl(settings);
        }
      }, function (message) {
        var stored = sent.length
          ? " " + t("stored", { files: sent.map(function (f) { return f.name; }).join(", ") })
          : "";
        ui.say(message + stored + " " + t("again_files"));
        buttons.forEach(function (b) { b.disabled = false; });
      });
    });
  }

  function start() {
    var settingsNode = document.getElementById("cpms-resumable-upload");
    if (!settingsNode || !window.tus) { return; }
    var settings = JSON.parse(settingsNode.textContent);
    texts = settings.texts || {};
    if (settings.mode === "images") { bindImagesForm(settings); } else { bindFileForm(settings); }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else { start(); }
}());
