"""Purchases: the products that come with support (and, later, purchases and entitlements)."""
