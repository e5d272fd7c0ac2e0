() => {
    const width = document.documentElement.clientWidth;
    const problems = [];
    const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
        (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : "") +
        " “" + (el.innerText || el.value || "").trim().slice(0, 40) + "”";
    if (document.documentElement.scrollWidth > width) {
        problems.push("the page scrolls sideways: " + document.documentElement.scrollWidth + " > " + width);
    }
    for (const el of document.querySelectorAll("body *")) {
        const style = getComputedStyle(el);
        const rect = el.getBoundingClientRect();
        if (style.display === "none" || style.visibility === "hidden" || rect.width <= 1 || rect.height <= 1) {
            continue;  // not shown, or visually hidden for screen readers
        }
        if (el.closest(".collapse:not(.show), .visually-hidden-focusable")) {
            continue;
        }
        if (rect.right > width + 1 || rect.left < -1) {
            problems.push(name(el) + " sticks out of the screen (" + Math.round(rect.left) + "–" + Math.round(rect.right) + ")");
        }
        const cuts = ["hidden", "clip", "auto", "scroll"].includes(style.overflowX) || style.textOverflow === "ellipsis";
        if (cuts && el.scrollWidth > el.clientWidth + 1 && !["SELECT", "TEXTAREA", "INPUT"].includes(el.tagName)) {
            problems.push(name(el) + " is cut off or scrolls (" + el.scrollWidth + " > " + el.clientWidth + ")");
        }
    }
    return problems;
}
