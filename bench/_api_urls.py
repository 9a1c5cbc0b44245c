"""The benchmark's URLs: the product's own, and under /bench/ two baselines, outside /api/
(so none of the API's own work, its middleware included, is in them):

- GET /bench/bare: a django-ninja endpoint answering a constant JSON body;
- POST /bench/row: a django-ninja endpoint reading a JSON body and inserting one row in one
  transaction, into a table the benchmark creates (`bench_row`).
"""

from django.db import connection, transaction
from django.urls import path
from ninja import NinjaAPI, Schema

from config.urls import urlpatterns as product_urlpatterns

baseline = NinjaAPI(
    title="bench baselines", urls_namespace="bench", docs_url=None, openapi_url=None
)


class RowIn(Schema):
    note: str


@baseline.get("/bare")
def bare(request):
    return {"ok": True}


@baseline.post("/row", response={201: dict})
def row(request, body: RowIn):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_row (note, created_at) VALUES (%s, now()) RETURNING id", [body.note]
        )
        (row_id,) = cursor.fetchone()
    return 201, {"id": row_id}


urlpatterns = [path("bench/", baseline.urls), *product_urlpatterns]
