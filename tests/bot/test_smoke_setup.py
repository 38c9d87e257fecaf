from tests.builders import group, user
from tests.support.harness import Harness

ANA = user(11, "Ana", "ana_f")
CHAT = group(-1001500, "Onboarding 2026")


async def test_chat_admin_creates_course_with_setup(flock: Harness) -> None:
    flock.make_admin(CHAT, ANA)

    replies = await flock.replies(flock.telegram.post(CHAT, ANA, "/setup #onb26 Onboarding 2026"))

    assert replies[0].startswith("Created <b>Onboarding 2026</b> (#onb26)")
    assert await flock.rows("select hashtag, title from courses") == [("onb26", "Onboarding 2026")]
