"""The support team's workspace in the Wagtail admin: queue, ticket screen, canned replies, reports."""
