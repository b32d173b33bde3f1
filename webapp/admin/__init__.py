"""The municipality's administration."""

from webapp.admin import model_card  # noqa: F401 - adds the model card route to the blueprint
