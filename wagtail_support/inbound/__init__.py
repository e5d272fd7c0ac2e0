"""Replies by e-mail: inbound messages stored raw, then matched to a ticket and added to it."""
