// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // Ask before binding actions: buttons with data-confirm show their text first.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var message = (button && button.dataset.confirm) || event.target.dataset.confirm;
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
})();
