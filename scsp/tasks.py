from celery import shared_task


@shared_task(name="scsp.tasks.ping")
def ping(value: str = "pong") -> str:
    """A trivial task the health and integration tests use to prove a worker is consuming."""
    return value
