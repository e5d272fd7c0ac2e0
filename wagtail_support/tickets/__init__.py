"""The customer's support section: the support page type, tickets and their conversation."""
