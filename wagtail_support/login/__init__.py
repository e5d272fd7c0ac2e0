"""Customer log-in, log-out and password reset: Django's auth views, throttled, in the host's layout."""
