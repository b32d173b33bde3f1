"""Domain errors: raised by services, turned into a form message, a flash or a 4xx by the views."""


class DomainError(Exception):
    """A rule of the domain was broken; ``message`` is already translated for the user."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(DomainError):
    """The user may not do this to this object."""
