from wagtail import hooks

from wagtail_support.menu import SupportMenuGroup


@hooks.register("register_admin_viewset")
def register_support_menu():
    return SupportMenuGroup()
