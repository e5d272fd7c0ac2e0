/* The customer's support pages: progressive enhancements only; every form works without this file.
 * - focus the error summary after a failed submit,
 * - preview Markdown inline (POST to the preview endpoint, which returns sanitised HTML),
 * - suggest help pages while the title is typed,
 * - show only the sites of the chosen product,
 * - report the browser's time zone once, when the customer has none yet (the page then has a
 *   [data-detect-zone] naming the endpoint); without this file the server's zone is used until one is chosen.
 */
(function () {
    "use strict";

    // The few words below come from Django's JavaScript catalogue (the app's jsi18n/ view, loaded
    // before this file); without that script they stay in English and everything still works.
    var gettext = typeof window.gettext === "function" ? window.gettext : function (text) { return text; };

    function csrfToken(form) {
        var input = form.querySelector("input[name=csrfmiddlewaretoken]");
        return input ? input.value : "";
    }

    function focusErrorSummary() {
        var summary = document.querySelector("[data-error-summary]");
        if (summary) {
            summary.focus();
        }
    }

    function enablePreview(form) {
        var url = form.dataset.previewUrl;
        var button = form.querySelector("[data-preview-button]");
        if (!url || !button) {
            return;
        }
        var textarea = form.querySelector("textarea");
        var region = document.getElementById(button.getAttribute("aria-controls"));
        button.hidden = false;
        button.addEventListener("click", function (event) {
            event.preventDefault();
            region.textContent = gettext("Loading the preview…");
            var body = new FormData();
            body.append("body", textarea.value);
            fetch(url, {
                method: "POST",
                body: body,
                credentials: "same-origin",
                headers: {"X-CSRFToken": csrfToken(form)}
            }).then(function (response) {
                return response.ok ? response.text() : Promise.reject(response.status);
            }).then(function (html) {
                // The endpoint returns HTML sanitised by nh3 on the server (tickets/markdown.py).
                var box = document.createElement("div");
                box.className = "border rounded p-3 support-message-body";
                box.innerHTML = html;
                region.replaceChildren(box);
            }).catch(function () {
                region.textContent = gettext("The preview could not be loaded. Your text is still here and you can send it.");
            });
        });
    }

    function enableSuggestions(form) {
        var url = form.dataset.suggestUrl;
        var title = form.querySelector("input[name=title]");
        var region = document.getElementById("ticket-suggestions");
        if (!url || !title || !region) {
            return;
        }
        var timer = null;
        var last = title.value.trim();
        title.addEventListener("input", function () {
            window.clearTimeout(timer);
            timer = window.setTimeout(function () {
                var query = title.value.trim();
                if (query === last) {
                    return;
                }
                last = query;
                fetch(url + "?q=" + encodeURIComponent(query), {credentials: "same-origin"})
                    .then(function (response) { return response.ok ? response.text() : ""; })
                    .then(function (html) {
                        // A fragment rendered by Django's templates, with page titles escaped.
                        region.innerHTML = html;
                    });
            }, 400);
        });
    }

    function enableSiteFilter(form) {
        var select = form.querySelector("select[name=installation]");
        if (!select) {
            return;
        }
        var radios = form.querySelectorAll("input[name=product]");
        function update() {
            var chosen = form.querySelector("input[name=product]:checked");
            Array.prototype.forEach.call(select.options, function (option) {
                var product = option.dataset.product;
                option.hidden = Boolean(chosen && product && product !== chosen.value);
            });
        }
        Array.prototype.forEach.call(radios, function (radio) {
            radio.addEventListener("change", update);
        });
        update();
    }

    function reportTimeZone(element) {
        var zone;
        try {
            zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
        } catch (error) {
            return;
        }
        if (!zone) {
            return;
        }
        var body = new FormData();
        body.append("time_zone", zone);
        fetch(element.dataset.detectZone, {
            method: "POST",
            body: body,
            credentials: "same-origin",
            headers: {"X-CSRFToken": element.dataset.csrfToken}
        }).catch(function () {});
    }

    document.addEventListener("DOMContentLoaded", function () {
        focusErrorSummary();
        document.querySelectorAll("[data-detect-zone]").forEach(reportTimeZone);
        document.querySelectorAll("form[data-preview-url]").forEach(enablePreview);
        document.querySelectorAll("form[data-suggest-url]").forEach(function (form) {
            enableSuggestions(form);
            enableSiteFilter(form);
        });
    });
}());
