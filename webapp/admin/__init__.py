"""The municipality's administration."""

# Each adds its routes to the blueprint in ``webapp.admin.routes``.
from webapp.admin import audit, model_card, organisations, users  # noqa: F401
