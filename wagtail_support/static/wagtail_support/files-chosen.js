/* Tells the server how many files were chosen in each attachments field (its hidden "<name>-chosen"
 * input), so that a file the browser sent but Django's parser dropped (an unreadable name) is reported
 * instead of vanishing. Without this script the count stays empty and nothing can be known.
 * Loaded by the customer's support pages and the admin's ticket page.
 */
(function () {
    "use strict";
    document.addEventListener("change", function (event) {
        var input = event.target;
        if (!input.matches || !input.matches("input[type=file]") || !input.form) {
            return;
        }
        var hidden = input.form.querySelector("input[data-support-files-chosen][name=\"" + input.name + "-chosen\"]");
        if (hidden) {
            hidden.value = String(input.files ? input.files.length : "");
        }
    });
}());
