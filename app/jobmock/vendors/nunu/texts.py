"""Free text for a nunu job, from Faker seeded by the job: test names, step goals and reports.

Only what a fixture leaves out is generated, and only when the job is first read, so fixtures
that spell everything out never import Faker.
"""

from __future__ import annotations

from jobmock.core.generate import Generator
from jobmock.vendors.nunu.records import NunuJob
from jobmock.vendors.nunu.render import Texts

_SUBJECTS = (
    "Onboarding",
    "Checkout",
    "Login",
    "Settings",
    "Store",
    "Tutorial",
    "Inventory",
    "Matchmaking",
    "Leaderboard",
    "Profile",
)
_CHECKS = ("smoke test", "regression", "verification", "happy path", "edge cases")


def fill_texts(job: NunuJob, generator: Generator) -> Texts:
    missing_steps = [
        (player.number, index)
        for player in job.run.players
        for index, step in enumerate(player.steps)
        if step.goal is None or step.report is None
    ]
    if job.test_name is not None and not missing_steps:
        return Texts(job.test_name, {}, {})
    goals: dict[tuple[int, int], str] = {}
    reports: dict[tuple[int, int], str] = {}
    with generator.faker("nunu", job.text_key or job.job_id) as fake:
        subject = fake.random_element(_SUBJECTS)
        name = job.test_name or f"{subject} {fake.random_element(_CHECKS)}"
        for key in missing_steps:
            action = fake.sentence(nb_words=6).rstrip(".").lower()
            goals[key] = f"{subject}: {action}"
            reports[key] = f"Completed: {fake.sentence(nb_words=10)}"
    return Texts(name, goals, reports)
