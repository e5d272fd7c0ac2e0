/* The staff ticket screen: macros inserted without a reload, collision warnings by short polling,
   keyboard shortcuts and their help dialog. Without this script every feature still works by form posts. */
(function () {
    "use strict";

    var form = document.querySelector("form[data-wsupport-reply]");
    var panel = document.querySelector("form[data-wsupport-panel]");
    var body = form ? form.querySelector("textarea[name=body]") : null;
    var dialog = document.querySelector("dialog[data-wsupport-shortcuts]");
    var noteMode = false;
    var lastTyped = 0;

    function insertAtCursor(textarea, text) {
        var value = textarea.value;
        var start = textarea.selectionStart == null ? value.length : textarea.selectionStart;
        var end = textarea.selectionEnd == null ? value.length : textarea.selectionEnd;
        if (document.activeElement !== textarea) { start = end = value.length; }
        var before = value.slice(0, start), after = value.slice(end);
        var gap = before.trim() ? (before.endsWith("\n\n") ? "" : (before.endsWith("\n") ? "\n" : "\n\n")) : "";
        textarea.value = (before.trim() ? before : "") + gap + text + after;
        var caret = (before.trim() ? before.length : 0) + gap.length + text.length;
        textarea.focus();
        textarea.setSelectionRange(caret, caret);
        textarea.dispatchEvent(new Event("input", { bubbles: true }));
    }

    // Macros: the filled texts come with the page (json_script); inserting one keeps the chosen files.
    var data = document.getElementById("wsupport-macros");
    var insert = form ? form.querySelector("[data-wsupport-insert]") : null;
    if (form && data && insert && body) {
        var macros = {};
        JSON.parse(data.textContent).forEach(function (macro) { macros[String(macro.id)] = macro; });
        var select = form.querySelector("select[name=canned]");
        var status = form.querySelector("[data-wsupport-macro-actions]");
        insert.addEventListener("click", function (event) {
            var macro = macros[select.value];
            event.preventDefault();
            if (!macro) { select.focus(); return; }
            insertAtCursor(body, macro.body);
            if (macro.actions) {
                form.querySelector("input[name=macro]").value = macro.id;
                status.textContent = interpolate(gettext("On send, this canned response also sets: %s."), [macro.actions]);
            } else {
                status.textContent = gettext("Inserted.");
            }
        });
    }

    // Collision warnings: a heartbeat every few seconds says who else has the ticket open or is writing.
    var banner = document.querySelector("[data-wsupport-presence]");
    if (form && banner && form.dataset.presenceUrl) {
        var seen = form.querySelector("input[name=seen]");
        var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
        if (body) { body.addEventListener("input", function () { lastTyped = Date.now(); }); }
        var beat = function () {
            var params = new URLSearchParams();
            params.set("typing", Date.now() - lastTyped < 10000 ? "1" : "0");
            params.set("seen", seen ? seen.value : "");
            fetch(form.dataset.presenceUrl, {
                method: "POST",
                headers: { "X-CSRFToken": token, "Content-Type": "application/x-www-form-urlencoded" },
                body: params.toString(),
                credentials: "same-origin",
            }).then(function (response) { return response.ok ? response.json() : null; }).then(function (answer) {
                if (!answer) { return; }
                var lines = answer.others.map(function (other) {
                    return interpolate(
                        other.typing ? gettext("%s is writing a reply to this ticket.") : gettext("%s also has this ticket open."),
                        [other.name]
                    );
                });
                if (answer.newer) {
                    lines.push(gettext("A new message arrived since you opened this ticket; reload to read it."));
                }
                var text = lines.join(" ");
                if (banner.textContent !== text) { banner.textContent = text; }
            }).catch(function () { /* no warning this time; the next beat tries again */ });
        };
        beat();
        window.setInterval(beat, (parseInt(form.dataset.pollSeconds, 10) || 5) * 1000);
    }

    // Keyboard shortcuts; ignored while typing in a field (except Ctrl+Enter in the message).
    function setMode(note) {
        noteMode = note;
        var mode = form && form.querySelector("[data-wsupport-mode]");
        if (mode) {
            mode.textContent = note
                ? gettext("Writing an internal note: Ctrl+Enter adds it.")
                : gettext("Writing a reply: Ctrl+Enter sends it to the customer.");
        }
    }

    function submitPanel(field, value) {
        if (!panel) { return; }
        var input = panel.querySelector("[name=" + field + "]");
        if (!input) { return; }
        input.value = value;
        panel.requestSubmit ? panel.requestSubmit() : panel.submit();
    }

    function nextUrl() {
        if (panel) { return panel.dataset.nextUrl; }
        var link = document.querySelector("[data-wsupport-next]");
        return link ? link.getAttribute("href") : null;
    }

    function openHelp() {
        if (dialog && !dialog.open) { dialog.showModal(); }
    }

    var helpButton = document.querySelector("[data-wsupport-shortcuts-open]");
    if (helpButton) { helpButton.addEventListener("click", openHelp); }

    document.addEventListener("keydown", function (event) {
        var target = event.target;
        var typing = target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
        if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && target === body && form) {
            event.preventDefault();
            var button = form.querySelector(noteMode ? "[data-wsupport-note]" : "[data-wsupport-send]");
            form.requestSubmit ? form.requestSubmit(button) : button.click();
            return;
        }
        if (typing || event.ctrlKey || event.metaKey || event.altKey || (dialog && dialog.open)) { return; }
        switch (event.key) {
            case "?": openHelp(); break;
            case "r": if (body) { setMode(false); body.focus(); } else { return; } break;
            case "n": if (body) { setMode(true); body.focus(); } else { return; } break;
            case "a": if (panel && panel.querySelector("[name=assignee]")) { submitPanel("assignee", panel.dataset.me); } else { return; } break;
            case "c": if (panel) { submitPanel("status", "closed"); } else { return; } break;
            case "j": var url = nextUrl(); if (url) { window.location.href = url; } else { return; } break;
            default: return;
        }
        event.preventDefault();
    });
})();
