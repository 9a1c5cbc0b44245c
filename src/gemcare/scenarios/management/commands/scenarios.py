import json
import sys

from django.core.management.base import BaseCommand, CommandError

from gemcare.scenarios.running import run_paths


class Command(BaseCommand):
    help = "Play scenario files (RULEBOOK §8): gemcare scenarios run PATH... [--json]"

    def add_arguments(self, parser) -> None:
        parser.add_argument("action", choices=["run"])
        parser.add_argument("paths", nargs="+", help="scenario files or folders")
        parser.add_argument("--json", action="store_true", help="print one JSON list instead")

    def handle(self, *args, action: str, paths: list[str], json: bool = False, **options):
        results = run_paths(paths)
        if json:
            self.stdout.write(_json_dump([result.as_dict() for result in results]))
        else:
            for result in results:
                self._print(result)
        failed = sum(not result.passed for result in results)
        passed = len(results) - failed
        if not json:
            self.stdout.write(f"scenarios: {passed} passed, {failed} failed")
        if not results:
            raise CommandError("No scenario found in the paths given.")
        if failed:
            sys.exit(1)

    def _print(self, result) -> None:
        mark = self.style.SUCCESS("PASS") if result.passed else self.style.ERROR("FAIL")
        self.stdout.write(f"{mark} {result.name}  ({result.where})")
        if result.problem:
            self.stdout.write(f"     cannot be played: {result.problem}")
        for number, event in enumerate(result.events, start=1):
            if event.expect is None:
                self.stdout.write(f"     event {number} {event.kind} gave {event.got}")
            for mismatch in event.mismatches:
                self.stdout.write(f"     event {number} {event.kind}: {mismatch}")
            if not event.passed and "message" in event.got:
                self.stdout.write(f"     event {number} {event.kind}: {event.got['message']}")


def _json_dump(data) -> str:
    return json.dumps(data, indent=2, default=str)
