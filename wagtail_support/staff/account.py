"""Account → "Name shown to customers": an agent's public name (Wagtail's account settings panel)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.account import BaseSettingsPanel

from wagtail_support import permissions
from wagtail_support.tickets.people import AgentProfile


class PublicNameForm(forms.ModelForm):
    class Meta:
        model = AgentProfile
        fields = ["public_name"]


class PublicNameSettingsPanel(BaseSettingsPanel):
    name = "wagtail_support_public_name"
    title = _("Name shown to customers")
    order = 150
    form_class = PublicNameForm

    def is_active(self):
        return permissions.tickets.user_has_permission(self.user, "reply")

    def get_form(self):
        # An unsaved profile until the agent saves one: opening the page writes nothing.
        instance = AgentProfile.objects.filter(user=self.user).first() or AgentProfile(user=self.user)
        if self.request.method == "POST":
            return self.form_class(self.request.POST, instance=instance, prefix=self.name)
        return self.form_class(instance=instance, prefix=self.name)
