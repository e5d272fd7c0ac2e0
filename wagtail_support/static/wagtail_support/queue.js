/* The queue: "Save this view" saves the filters in force now (they change without a reload). */
(function () {
    "use strict";
    var form = document.querySelector("form[data-wsupport-save-view]");
    if (!form) { return; }
    form.addEventListener("submit", function () {
        form.querySelector("input[name=query]").value = window.location.search.replace(/^\?/, "");
    });
})();
