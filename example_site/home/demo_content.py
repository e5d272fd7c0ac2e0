"""The example site's demo content: our own guide to getting professional support."""

GUIDE_TITLE = "How to get professional support"
GUIDE_SLUG = "how-to-get-support"
GUIDE_INTRO = (
    "Every premium theme, plugin and hosting plan you buy from us comes with professional "
    "support from the people who build them. This guide shows how to reach us."
)

GUIDE_BODY = [
    {"type": "heading", "value": "If you bought a hosting plan"},
    {
        "type": "paragraph",
        "value": (
            "<p>Hosting plans, including those sold through our partners, include one premium "
            "theme of your choice. Claim it from <b>My products</b> once your account is ready.</p>"
        ),
    },
    {"type": "heading", "value": "If you bought a premium theme or plugin"},
    {
        "type": "paragraph",
        "value": (
            "<p>Your purchase creates your account for the e-mail address you gave at checkout. "
            "We send you an e-mail with a link to <b>set your password</b>; we never send a "
            "password. When the password is set, your account is ready.</p>"
        ),
    },
    {
        "type": "notice",
        "value": {
            "tone": "warning",
            "text": (
                "<p>No e-mail after a few minutes? Look in your spam or junk folder first, "
                "then ask for a new link from the login page.</p>"
            ),
        },
    },
    {
        "type": "steps",
        "value": {
            "heading": "Opening a support ticket",
            "steps": [
                "<p>Log in with the e-mail address of your purchase.</p>",
                "<p>Open <b>Support</b> from the menu.</p>",
                "<p>Press <b>New</b>.</p>",
                "<p>Choose the product you need help with, give your ticket a short title and "
                "describe what happens, what you expected and what you tried. Screenshots help.</p>",
                "<p>Press <b>Create</b>. The team is told at once, and you get an e-mail each "
                "time we answer.</p>",
            ],
        },
    },
    {"type": "heading", "value": "What support covers"},
    {
        "type": "paragraph",
        "value": (
            "<p>Bugs, error messages and questions about how our products work are always "
            "welcome. Support does not cover custom work such as changing a theme's code, "
            "configuring your server or teaching web technologies. The full coverage policy "
            "lists what is and is not included.</p>"
        ),
    },
]

HOME_INTRO = (
    "<p>Premium themes, plugins and hosting for your website, with professional support "
    "from the people who make them.</p>"
)
