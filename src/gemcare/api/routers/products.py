from django.http import HttpRequest
from ninja import Router

from gemcare.api.auth import api_caller
from gemcare.api.schemas import ProductsOut, documented
from gemcare.catalog.selectors import plan_version_definition, plan_versions_on_sale

router = Router(tags=["products"])


@router.get(
    "",
    summary="The plans this retailer may sell",
    operation_id="products_list",
    **documented({200: ProductsOut}, {}),
)
def products_list(request: HttpRequest):
    """Every plan product on sale: its term, the item kinds it covers, the covered services
    of each kind and its price bands (item price range → plan price)."""
    api_caller(request)
    products = []
    for version in plan_versions_on_sale():
        definition = plan_version_definition(version)
        services: dict[str, list[dict]] = {kind: [] for kind in definition["item_kinds"]}
        for row in definition["services"]:
            services.setdefault(row["item_kind"], []).append(
                {key: value for key, value in row.items() if key != "item_kind"}
            )
        products.append(
            {
                "code": version.product.code,
                "name": definition["name"],
                "version": version.number,
                "term_years": definition["term_years"],
                "item_kinds": definition["item_kinds"],
                "services": services,
                "price_bands": definition["price_bands"],
            }
        )
    return {"products": products}
