"""Norwegian organisation numbers (organisasjonsnummer): nine digits with a mod-11 check digit."""

WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)


def normalise_org_number(value: str) -> str:
    """Drop the spaces people type ("974 760 673")."""
    return "".join(value.split())


def is_valid_org_number(value: str) -> bool:
    number = normalise_org_number(value)
    if len(number) != 9 or not number.isdigit():
        return False
    remainder = sum(int(d) * w for d, w in zip(number[:8], WEIGHTS, strict=True)) % 11
    check = 0 if remainder == 0 else 11 - remainder
    return check != 10 and check == int(number[8])
