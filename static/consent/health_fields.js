// The consent form: show what is disclosed (data items, recipient, purpose) only while the kind
// of consent is the disclosure of health data. Without this script every field stays on the
// page, and the server still refuses a health-data disclosure that lacks any of them.
(function () {
  "use strict";
  var kind = document.querySelector("[data-consent-kind] select");
  var fields = document.querySelector("[data-health-fields]");
  if (!kind || !fields) {
    return;
  }
  var healthKind = fields.getAttribute("data-health-fields");
  function update() {
    fields.hidden = kind.value !== healthKind;
  }
  kind.addEventListener("change", update);
  update();
})();
