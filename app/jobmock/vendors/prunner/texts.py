"""Task output a fixture left out, from Faker seeded by (job, task).

Only generated when a client first reads that task's logs, so fixtures that spell their output
out never import Faker, and the same job shows the same lines on every run and machine.
"""

from __future__ import annotations

from jobmock.core.generate import Generator

_STEPS = ("Resolving", "Fetching", "Building", "Checking", "Writing", "Uploading", "Linking")


def generated_output(
    generator: Generator, job_id: str, task: str, exit_code: int
) -> tuple[str, str]:
    """A few stdout lines; for a failing task, an error line on stderr."""
    with generator.faker("prunner", job_id, task) as fake:
        lines = [
            f"{fake.random_element(_STEPS)} {fake.word()} {fake.word()}"
            for _ in range(fake.random_int(2, 5))
        ]
        lines.append(f"{task}: {fake.sentence(nb_words=5).rstrip('.').lower()}")
        stderr = ""
        if exit_code:
            stderr = f"error: {fake.sentence(nb_words=6).rstrip('.').lower()}\n"
    return "".join(line + "\n" for line in lines), stderr
