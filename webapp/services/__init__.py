"""The domain layer: rules, transactions and audit. Views call these; these never render."""
