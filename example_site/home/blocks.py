from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from wagtail_support.coverage.blocks import CoveragePolicyBlock


class StepsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(required=False, label=_("Heading"))
    steps = blocks.ListBlock(blocks.RichTextBlock(features=["bold", "italic", "link"]), label=_("Steps"))

    class Meta:
        icon = "list-ol"
        template = "home/blocks/steps.html"


class NoticeBlock(blocks.StructBlock):
    tone = blocks.ChoiceBlock(choices=[("info", _("Information")), ("warning", _("Warning"))], default="info")
    text = blocks.RichTextBlock(features=["bold", "italic", "link"])

    class Meta:
        icon = "warning"
        template = "home/blocks/notice.html"


class BodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(form_classname="title", icon="title", template="home/blocks/heading.html")
    paragraph = blocks.RichTextBlock(icon="pilcrow")
    steps = StepsBlock()
    notice = NoticeBlock()
    coverage_policy = CoveragePolicyBlock()
