/* The customer's support pages: progressive enhancements only; every form works without this file.
 * - focus the error summary after a failed submit,
 * - preview Markdown inline (POST to the preview endpoint, which returns sanitised HTML),
 * - suggest help pages while the title is typed,
 * - ask which site only for a product that needs one, offering that product's sites (the only one
 *   chosen), and the address field only when "another site" is chosen,
 * - attachments: drop files, paste a screenshot, see thumbnails before sending, and the size, count and
 *   type limits checked before anything is uploaded (the server checks everything again),
 * - report the browser's time zone once, when the customer has none yet (the page then has a
 *   [data-detect-zone] naming the endpoint); without this file the server's zone is used until one is chosen.
 */
(function () {
    "use strict";

    // The few words below come from Django's JavaScript catalogue (the app's jsi18n/ view, loaded
    // before this file); without that script they stay in English and everything still works.
    var gettext = typeof window.gettext === "function" ? window.gettext : function (text) { return text; };
    var interpolate = typeof window.interpolate === "function" ? window.interpolate : function (text, values, named) {
        return named ? text.replace(/%\((\w+)\)s/g, function (match, key) { return values[key]; })
            : text.replace(/%s/g, function () { return values.shift(); });
    };

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
        var question = form.querySelector("[data-site-question]");
        if (!question) {
            return;
        }
        var select = form.querySelector("select[name=installation]");
        var choice = form.querySelector("[data-site-choice]");
        var newSite = form.querySelector("[data-new-site]");
        var radios = form.querySelectorAll("input[name=product]");
        function updateNewSite() {
            newSite.hidden = Boolean(select && choice && !choice.hidden && select.value !== "");
        }
        function update() {
            var chosen = form.querySelector("input[name=product]:checked");
            question.hidden = !chosen || chosen.dataset.needsSite !== "true";
            if (!select || !chosen) {
                updateNewSite();
                return;
            }
            var own = [];
            Array.prototype.forEach.call(select.options, function (option) {
                var product = option.dataset.product;
                option.hidden = Boolean(product && product !== chosen.value);
                if (product === chosen.value) {
                    own.push(option);
                }
            });
            var current = select.options[select.selectedIndex];
            if (current && current.hidden) {
                select.value = "";
            }
            if (own.length === 1 && select.value === "") {
                select.value = own[0].value;  // the product's only site is the one the ticket is about
            }
            if (choice) {
                choice.hidden = own.length === 0;
            }
            updateNewSite();
        }
        Array.prototype.forEach.call(radios, function (radio) {
            radio.addEventListener("change", update);
        });
        if (select) {
            select.addEventListener("change", updateNewSite);
        }
        update();
    }

    function formatSize(bytes) {
        if (bytes >= 1024 * 1024) {
            return (bytes / (1024 * 1024)).toFixed(1) + " MB";
        }
        return Math.max(1, Math.round(bytes / 1024)) + " KB";
    }

    function acceptedBy(input, file) {
        var accept = (input.getAttribute("accept") || "").split(",").map(function (value) {
            return value.trim().toLowerCase();
        }).filter(Boolean);
        if (!accept.length) {
            return true;
        }
        var name = (file.name || "").toLowerCase();
        return accept.some(function (value) {
            return value.charAt(0) === "." ? name.slice(-value.length) === value : value === (file.type || "").toLowerCase();
        });
    }

    function enableAttachments(container) {
        var input = container.querySelector("input[type=file]");
        if (!input || typeof DataTransfer === "undefined") {
            return;
        }
        var form = input.form;
        var maxBytes = parseInt(input.dataset.maxBytes || "0", 10);
        var maxFiles = parseInt(input.dataset.maxFiles || "0", 10);
        var zone = container.querySelector("[data-dropzone]");
        var previews = container.querySelector("[data-previews]");
        var errors = document.createElement("div");
        errors.className = "support-errors text-danger";
        errors.setAttribute("role", "alert");
        input.insertAdjacentElement("afterend", errors);
        var files = [];
        var urls = [];

        function keptCount() {
            return form.querySelectorAll("input[name=kept]:checked").length;
        }

        function sync() {
            var transfer = new DataTransfer();
            files.forEach(function (file) { transfer.items.add(file); });
            input.files = transfer.files;
            var hidden = form.querySelector("input[data-support-files-chosen][name=\"" + input.name + "-chosen\"]");
            if (hidden) {
                hidden.value = String(files.length);
            }
            urls.forEach(function (url) { URL.revokeObjectURL(url); });
            urls = [];
            previews.replaceChildren();
            files.forEach(function (file, index) {
                var item = document.createElement("li");
                item.className = "support-preview-item";
                if (/^image\//.test(file.type)) {
                    var image = document.createElement("img");
                    var url = URL.createObjectURL(file);
                    urls.push(url);
                    image.src = url;
                    image.alt = "";
                    image.className = "support-thumbnail";
                    item.appendChild(image);
                }
                var label = document.createElement("span");
                label.className = "support-attachment-name";
                label.textContent = file.name + " (" + formatSize(file.size) + ")";
                item.appendChild(label);
                var remove = document.createElement("button");
                remove.type = "button";
                remove.className = "btn btn-link btn-sm";
                remove.textContent = gettext("Remove");
                remove.setAttribute("aria-label", interpolate(gettext("Remove %s"), [file.name]));
                remove.addEventListener("click", function () {
                    files.splice(index, 1);
                    sync();
                    input.focus();
                });
                item.appendChild(remove);
                previews.appendChild(item);
            });
        }

        function add(list) {
            var problems = [];
            Array.prototype.forEach.call(list, function (file) {
                if (!file.name) {
                    file = new File([file], "screenshot.png", {type: file.type});
                }
                if (maxBytes && file.size > maxBytes) {
                    problems.push(interpolate(gettext("“%(name)s” is %(size)s; files may be at most %(limit)s. It was not added."),
                        {name: file.name, size: formatSize(file.size), limit: formatSize(maxBytes)}, true));
                } else if (!acceptedBy(input, file)) {
                    problems.push(interpolate(gettext("“%(name)s” is not a kind of file we accept. It was not added."),
                        {name: file.name}, true));
                } else if (maxFiles && files.length + keptCount() >= maxFiles) {
                    problems.push(interpolate(gettext("At most %(count)s files can be sent with one message. “%(name)s” was not added."),
                        {count: maxFiles, name: file.name}, true));
                } else {
                    files.push(file);
                }
            });
            errors.textContent = problems.join(" ");
            sync();
        }

        input.addEventListener("change", function () {
            var chosen = Array.prototype.slice.call(input.files || []);
            add(chosen);
        });
        if (zone) {
            zone.hidden = false;
        }
        ["dragenter", "dragover"].forEach(function (name) {
            container.addEventListener(name, function (event) {
                event.preventDefault();
                container.classList.add("support-dragging");
            });
        });
        ["dragleave", "drop"].forEach(function (name) {
            container.addEventListener(name, function () {
                container.classList.remove("support-dragging");
            });
        });
        container.addEventListener("drop", function (event) {
            event.preventDefault();
            if (event.dataTransfer && event.dataTransfer.files.length) {
                add(event.dataTransfer.files);
            }
        });
        form.addEventListener("paste", function (event) {
            var pasted = event.clipboardData ? Array.prototype.slice.call(event.clipboardData.files || []) : [];
            if (pasted.length) {
                event.preventDefault();
                add(pasted);
            }
        });
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
        document.querySelectorAll("[data-attachments]").forEach(enableAttachments);
    });
}());
