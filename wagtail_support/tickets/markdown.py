"""Markdown for ticket messages: rendered by Python-Markdown, then sanitised by nh3 (an allowlist).

Raw HTML in the source is escaped, links keep only http, https and mailto URLs and get
``rel="nofollow noopener"``, and images are not rendered inline (screenshots are attachments).
"""

import markdown
import nh3

ALLOWED_TAGS = {
    "a", "blockquote", "br", "code", "del", "em", "h3", "h4", "h5", "h6", "hr", "li", "ol", "p", "pre",
    "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "code": {"class"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


class _EscapeHtml(markdown.Extension):
    """Treat raw HTML in the source as text: a customer's ``<script>`` shows as written."""

    def extendMarkdown(self, md):  # noqa: N802 - Python-Markdown's API
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")


def render_markdown(source):
    """Safe HTML for the Markdown ``source``."""
    html = markdown.markdown(
        source or "",
        extensions=["fenced_code", "tables", "sane_lists", "nl2br", _EscapeHtml()],
        output_format="html",
    )
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener",
        strip_comments=True,
    )
