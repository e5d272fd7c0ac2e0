"""Mail that must never become a message nor get an answer: automatic replies and bounces (RFC 3834, 3464)."""

from email.parser import HeaderParser

from wagtail_support.inbound.parsing import header, message_ids, sender_of

#: Precedence values of bulk and automatic mail.
AUTOMATIC_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}


def auto_reply_reason(message, own_addresses=()):
    """Why ``message`` is automatic (a sentence for the team), or None for mail a person wrote."""
    auto_submitted = header(message, "Auto-Submitted").split(";")[0].strip().lower()
    if auto_submitted and auto_submitted != "no":
        return f"Auto-Submitted: {auto_submitted}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Autoresponder"):
        if header(message, name):
            return f"{name}: {header(message, name)}"
    precedence = header(message, "Precedence").lower()
    if precedence in AUTOMATIC_PRECEDENCE:
        return f"Precedence: {precedence}"
    if header(message, "Return-Path").replace(" ", "") == "<>":
        return "Return-Path: <> (sent by a mail server)"
    if sender_of(message) and sender_of(message) in own_addresses:
        return f"sent from this app's own address {sender_of(message)}"
    return None


def is_delivery_report(message):
    """A delivery-status notification (multipart/report; report-type=delivery-status)."""
    return (
        message.get_content_type() == "multipart/report"
        and (message.get_param("report-type") or "").lower() == "delivery-status"
    )


def bounced_message_ids(message):
    """The Message-IDs of the e-mails a delivery report is about (its returned message or headers)."""
    found = []
    for part in message.walk():
        content_type = part.get_content_type()
        if content_type == "message/rfc822":
            for inner in part.get_payload() or []:
                found += message_ids(header(inner, "Message-ID"))
        elif content_type == "text/rfc822-headers":
            returned = HeaderParser().parsestr(_text(part), headersonly=True)
            found += message_ids(str(returned.get("Message-ID", "")))
    return list(dict.fromkeys(found))


def bounce_reason(message):
    """The report's verdict per recipient ("user@example.com: failed 5.1.1 (smtp; 550 no such user)")."""
    lines = []
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        for fields in part.get_payload() or []:
            recipient = header(fields, "Final-Recipient") or header(fields, "Original-Recipient")
            if not recipient:
                continue
            recipient = recipient.split(";")[-1].strip()
            verdict = " ".join(filter(None, [header(fields, "Action"), header(fields, "Status")]))
            diagnostic = header(fields, "Diagnostic-Code")
            lines.append(f"{recipient}: {verdict}" + (f" ({diagnostic})" if diagnostic else ""))
    return "\n".join(lines) or "Delivery failed (the report gives no detail)."


def _text(part):
    try:
        return part.get_content()
    except Exception:
        payload = part.get_payload(decode=True) or b""
        return payload.decode("utf-8", errors="replace")
