"""Operations around a running engine: workers, the outbox relay, replay checks, the demo."""
