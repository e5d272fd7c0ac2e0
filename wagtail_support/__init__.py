"""A professional-support system for Wagtail sites that sell themes, plugins or hosting."""

__version__ = "0.1.0"
