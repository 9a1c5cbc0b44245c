"""Reading what a `scenarios run` printed."""


def lines_about(output: str, name: str) -> list[str]:
    """The lines a text run printed for one scenario: its PASS/FAIL line and those under it."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line[5:].startswith(name + "  ("))
    end = next(
        (i for i in range(start + 1, len(lines)) if not lines[i].startswith("     ")), len(lines)
    )
    return lines[start:end]
