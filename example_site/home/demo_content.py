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
                "<p>Press <b>New ticket</b>.</p>",
                "<p>Choose the product you need help with, give your ticket a short title and "
                "describe what happens, what you expected and what you tried. Screenshots help: "
                "choose them, drop them on the form or paste one. For a theme or a plugin, say which "
                "site it is about; a site you registered is already chosen.</p>",
                "<p>Press <b>Create</b>. The team is told at once, and you get an e-mail each "
                "time we answer.</p>",
            ],
        },
    },
    {"type": "coverage_policy", "value": {"policy": None}},
]

HOME_INTRO = (
    "<p>Premium themes, plugins and hosting for your website, with professional support "
    "from the people who make them.</p>"
)

POLICY_TITLE = "Professional support: what is included"
POLICY_INTRO = (
    "<p>We are glad to help whenever something in our products does not work the way it should, "
    "or when you are not sure how a feature is meant to be used. Open a ticket and tell us what "
    "you see; we answer as soon as we can.</p>"
)
POLICY_COVERED = [
    (
        "Bugs in our themes, plugins and hosting",
        "Something behaves differently from what the documentation describes.",
    ),
    ("Error messages", "Send us the exact message and the page where it appears."),
    ("How-to questions", "How a setting, a feature or an update of our software is meant to be used."),
    ("Guidance through updates", "We walk you through the update steps; running them stays with you."),
]
POLICY_EXCLUDED = [
    (
        "Lessons in web technologies",
        "Teaching HTML, CSS, PHP, JavaScript or other languages our products are built with.",
    ),
    ("Running updates for you", "Applying software updates by hand on your site."),
    (
        "Modified themes and other vendors' software",
        "Code changed by someone else, or software we did not write.",
    ),
    ("Server and hosting configuration", "Setting up your server, shared hosting account, DNS or e-mail."),
    ("Third-party services", "Signing up for, or getting help with, services run by other companies."),
    ("Custom development", "Changing our themes or software to behave differently."),
    ("Translations", "Translating texts or maintaining language files and dictionaries."),
]
POLICY_NOTES = (
    "<p>The number of sites and the support period of each product are listed above; they come "
    "from the product you bought.</p>"
)

POLICY_PAGE_TITLE = "Support policy"
POLICY_PAGE_SLUG = "support-policy"
POLICY_PAGE_INTRO = (
    "<p>Every purchase comes with professional support. This page says plainly what it includes "
    "and what it does not.</p>"
)

# (name, kind, shop references, support days, installations per unit, bundled theme claims)
PRODUCTS = [
    ("Aurora theme", "theme", ["AURORA-THEME"], 365, 1, 0),
    ("Booking plugin", "plugin", ["BOOKING-PLUGIN"], 180, 0, 0),
    ("Business hosting", "hosting", ["HOSTING-BUSINESS", "PARTNER-HOSTING-BUSINESS"], 365, 1, 1),
]

SUPPORT_INTRO = (
    "<p>Open a ticket about any product you bought from us, follow the conversation and see "
    "your products, their support dates and the sites you run them on.</p>"
)

TEAM_EMAILS = "team@example.com"

# The demo customer ("customer@example.com") owns the Aurora theme and has two tickets.
CUSTOMER_EMAIL = "customer@example.com"
CUSTOMER_NAME = "Casey Customer"
CUSTOMER_SITE = "casey-classifieds.example"
CUSTOMER_TICKETS = [
    (
        "The header logo is blurry on phones",
        "I uploaded a 200 px logo, but on my phone it looks **blurry**.\n\nWhich size should I use?",
    ),
    (
        "How do I translate the checkout page?",
        "Some labels on the checkout page are still in English. Where can I change them?",
    ),
]

# Canned responses (macros) the team starts with: (title, text, status, priority, tags).
CANNED_RESPONSES = [
    (
        "Greeting: looking into it",
        "Hi {first_name},\n\nThanks for writing in about {product}. I'm looking into it and will get back "
        "to you shortly.\n\n{agent_name}",
        "awaiting_staff",
        None,
        "",
    ),
    (
        "Clear the cache",
        "Hi {first_name},\n\nPlease clear your site's cache and your browser's cache, then reload the page. "
        "Does the problem remain?\n\n{agent_name}",
        "awaiting_customer",
        None,
        "cache",
    ),
    (
        "Support has ended",
        "Hi {first_name},\n\nYour support for {product} ran until {support_until}. You can renew it from "
        "your account to keep getting updates and answers.\n\n{agent_name}",
        "closed",
        None,
        "renewal",
    ),
    (
        "Escalate to a developer",
        "Hi {first_name},\n\nI've passed this on to our developers ({reference}); we'll write as soon as we "
        "know more.\n\n{agent_name}",
        "awaiting_staff",
        30,
        "bug",
    ),
]
