from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from shop.replay import failed_tasks_replay


class Command(BaseCommand):
    help = (
        "Run again the asynchronous work (Zappa tasks, scheduled events) that failed on "
        "Lambda and waits in the dead-letter queue; delete each message once its work "
        "succeeded. See docs/deploy.md, 'When background work fails'."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--queue-url",
            default=settings.SHOP_FAILED_TASKS_QUEUE_URL,
            help="The dead-letter queue (default: SHOP_FAILED_TASKS_QUEUE_URL).",
        )
        parser.add_argument("--dry-run", action="store_true", help="List, run nothing.")
        parser.add_argument("--limit", type=int, default=100, help="At most this many.")

    def handle(self, *args, queue_url, dry_run, limit, **options):
        if not queue_url:
            raise CommandError("No queue: set SHOP_FAILED_TASKS_QUEUE_URL or pass --queue-url.")
        outcome = failed_tasks_replay(queue_url=queue_url, dry_run=dry_run, limit=limit)
        verb = "Would run" if dry_run else "Ran again"
        for label in outcome.done:
            self.stdout.write(f"{verb}: {label}")
        for label in outcome.failed:
            self.stdout.write(f"Failed again (left in the queue): {label}")
        for label in outcome.refused:
            self.stdout.write(f"Refused (left in the queue): {label}")
        self.stdout.write(
            f"{len(outcome.done)} {'to run' if dry_run else 'done'}, {len(outcome.failed)} "
            f"failed again, {len(outcome.refused)} refused."
        )
        if outcome.failed or outcome.refused:
            raise CommandError("Some messages are still in the queue.")
