([how, data]) => {
    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    const file = new File([bytes], how + ".png", {type: "image/png"});
    const transfer = new DataTransfer();
    transfer.items.add(file);
    const form = document.querySelector("form.support-new-ticket");
    if (how === "pasted") {
        form.querySelector("textarea").dispatchEvent(new ClipboardEvent("paste", {clipboardData: transfer, bubbles: true}));
    } else {
        form.querySelector("[data-dropzone]").dispatchEvent(new DragEvent("drop", {dataTransfer: transfer, bubbles: true}));
    }
}
