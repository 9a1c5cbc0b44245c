"""`gemcare api-key create RETAILER_CODE [--store CODE] [--scopes …] [--test] [--name NAME]`
and `gemcare api-key revoke PREFIX`.

`create` prints the new key once, alone on its last line, so a script can take it with
`tail -n 1`; it is stored only as a hash and cannot be shown again.
"""

from django.core.management.base import BaseCommand, CommandError

from gemcare.common.callers import Caller
from gemcare.common.errors import ApplicationError
from gemcare.partners.models import ApiKey, Retailer, Store
from gemcare.partners.services import api_key_create, api_key_revoke

COMMAND_CALLER = Caller.system("api_key_command")


class Command(BaseCommand):
    help = "Create or revoke a retailer's partner API key."

    def add_arguments(self, parser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="make a key and print it once")
        create.add_argument("retailer", metavar="RETAILER_CODE")
        create.add_argument("--store", metavar="CODE", help="limit the key to this store")
        create.add_argument(
            "--scopes",
            default=",".join(ApiKey.SCOPES),
            help=f"comma-separated, from {', '.join(ApiKey.SCOPES)} (default: all)",
        )
        create.add_argument("--test", action="store_true", help="a test-mode key (gck_test_…)")
        create.add_argument("--name", default="", help="what the key is for (default: POS)")
        revoke = actions.add_parser("revoke", help="revoke a key at once, for good")
        revoke.add_argument("prefix", metavar="PREFIX", help="the part after gck_live_/gck_test_")

    def handle(self, *args, action: str, **options):
        if action == "create":
            return self._create(**options)
        return self._revoke(**options)

    def _create(self, *, retailer, store, scopes, test, name, **options):
        found = Retailer.objects.filter(code=retailer).first()
        if found is None:
            raise CommandError(f"There is no retailer {retailer[:40]!r}.")
        shop = None
        if store:
            shop = Store.objects.filter(retailer=found, code=store).first()
            if shop is None:
                raise CommandError(f"{found.name} has no store {store[:40]!r}.")
        try:
            key, text = api_key_create(
                caller=COMMAND_CALLER,
                retailer=found,
                store=shop,
                name=name or "POS",
                scopes=scopes,
                is_test=test,
            )
        except ApplicationError as error:
            raise CommandError(error.describe()) from None
        where = f", store {shop.code}" if shop else ""
        self.stdout.write(
            f"Created {key.key_kind} key {key.prefix} for {found.name}{where} "
            f"(scopes: {key.scopes}). It is shown once: keep it now."
        )
        self.stdout.write(text)

    def _revoke(self, *, prefix, **options):
        key = ApiKey.objects.filter(prefix=prefix).first()
        if key is None:
            raise CommandError(f"There is no key {prefix[:40]!r}.")
        api_key_revoke(caller=COMMAND_CALLER, key=key)
        self.stdout.write(f"Revoked key {key.prefix} of {key.retailer.name}.")
