"""Each kind of e-mail in words, for the outbox screens. A kind is the folder of its templates
(``wagtail_support/email/<kind>/``); a kind a site adds without a label here shows as its folder name."""

from django.utils.translation import pgettext_lazy

KIND_LABELS = {
    "email_change": pgettext_lazy("e-mail kind", "E-mail address change"),
    "inbound_attachments_refused": pgettext_lazy("e-mail kind", "Answer to an e-mail: files refused"),
    "inbound_choose_product": pgettext_lazy("e-mail kind", "Answer to an e-mail: choose a product"),
    "inbound_not_customer": pgettext_lazy("e-mail kind", "Answer to an e-mail: no support account"),
    "inbound_ticket_closed": pgettext_lazy("e-mail kind", "Answer to an e-mail: ticket closed"),
    "inbound_unknown_sender": pgettext_lazy("e-mail kind", "Answer to an e-mail: unknown sender"),
    "purchase_added": pgettext_lazy("e-mail kind", "Purchase added"),
    "setup_link": pgettext_lazy("e-mail kind", "Set-password link"),
    "test_message": pgettext_lazy("e-mail kind", "Test message"),
    "ticket_assigned": pgettext_lazy("e-mail kind", "Ticket assigned"),
    "ticket_auto_closed": pgettext_lazy("e-mail kind", "Ticket closed without an answer"),
    "ticket_breach_warning": pgettext_lazy("e-mail kind", "First response due soon"),
    "ticket_colleague_added": pgettext_lazy("e-mail kind", "Colleague added"),
    "ticket_merged": pgettext_lazy("e-mail kind", "Tickets merged"),
    "ticket_opened_customer": pgettext_lazy("e-mail kind", "New ticket, to the customer"),
    "ticket_opened_staff": pgettext_lazy("e-mail kind", "New ticket, to the team"),
    "ticket_reply_colleague": pgettext_lazy("e-mail kind", "Customer's message, to their side"),
    "ticket_reply_customer": pgettext_lazy("e-mail kind", "Team's reply, to the customer"),
    "ticket_reply_staff": pgettext_lazy("e-mail kind", "Customer's reply, to the team"),
    "ticket_status_customer": pgettext_lazy("e-mail kind", "Status change, to the customer"),
    "ticket_status_staff": pgettext_lazy("e-mail kind", "Status change, to the team"),
    "welcome": pgettext_lazy("e-mail kind", "Welcome and set-password link"),
}


def kind_label(kind):
    return KIND_LABELS.get(kind, kind)
