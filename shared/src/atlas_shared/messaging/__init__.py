"""Events between services: outbox relay, idempotent consumers, retries and dead letters."""
