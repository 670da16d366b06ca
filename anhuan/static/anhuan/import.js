// Reduction-list import pages: upload progress and job polling. Both pages work without this file.
(function () {
  "use strict";

  function setBar(container, percent) {
    var bar = container.querySelector(".progress");
    bar.setAttribute("aria-valuenow", String(percent));
    bar.querySelector("span").style.width = percent + "%";
  }

  // Upload: send the form with XMLHttpRequest to show how much of the file has gone up.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form.matches("form[data-upload-progress]") || !window.FormData) {
      return;
    }
    var box = document.getElementById(form.dataset.uploadProgress);
    var text = box.querySelector("[data-progress-text]");
    var request = new XMLHttpRequest();
    event.preventDefault();
    box.hidden = false;
    form.querySelector("button[type=submit]").disabled = true;
    request.upload.addEventListener("progress", function (progress) {
      if (progress.lengthComputable) {
        var percent = Math.round((progress.loaded / progress.total) * 100);
        setBar(box, percent);
        text.textContent = percent + "%";
      }
    });
    request.addEventListener("load", function () {
      // A redirect means the job was created: open its page. Otherwise show the returned page (form errors).
      if (request.responseURL && request.responseURL !== form.action) {
        window.location.assign(request.responseURL);
        return;
      }
      document.open();
      document.write(request.responseText);
      document.close();
    });
    request.addEventListener("error", function () {
      form.submit();
    });
    request.open("POST", form.action);
    request.send(new FormData(form));
  });

  // Job page: poll the status until the job finishes, then reload to show the outcome.
  var job = document.querySelector("[data-job-status]");
  if (!job) {
    return;
  }
  function poll() {
    fetch(job.dataset.jobStatus, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (status) {
        setBar(job, status.progress);
        job.querySelector("[data-phase]").textContent = status.phase_label;
        job.querySelector("[data-percent]").textContent = String(status.progress);
        if (status.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }
  window.setTimeout(poll, 1000);
})();
