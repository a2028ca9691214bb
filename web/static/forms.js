/* The library page: after a failed submit, the error at the top of the form gets the focus (role=alert
 * announces it), so a keyboard or screen-reader user lands on what went wrong, not under the library. */
(function () {
  "use strict";
  var error = document.getElementById("form-error");
  if (error) {
    error.focus();
    error.scrollIntoView({ block: "center" });
  }
})();
