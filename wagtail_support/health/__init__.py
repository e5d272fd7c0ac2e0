"""The site owner's view of the app at work: the health endpoint, Prometheus metrics, the outbox alert."""
