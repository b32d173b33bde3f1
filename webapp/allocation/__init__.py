"""Allocation rounds: started by admins and caseworker organisation admins (``/fordeling``)."""
