from wagtail.snippets.models import register_snippet

from wagtail_support.menu import SupportMenuGroup

register_snippet(SupportMenuGroup)
