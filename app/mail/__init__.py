"""Email: queue rows in the outbox inside the request's transaction; send them later."""
