"""Every repository, plain: reads and writes go to the database at once, in one session."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from facilitation.dashboard import DashboardReader
from facilitation.export import ExportReader
from facilitation.highlights import HighlightsReader
from facilitation.ports import (
    AlertRepository,
    AnnouncementRepository,
    CourseRepository,
    DigestRepository,
    DiscussionRepository,
    FollowRepository,
    FollowupRepository,
    GreetingRepository,
    GuestBatchRepository,
    GuestQuestionRepository,
    GuestSessionRepository,
    HelperRepository,
    IntroductionRepository,
    LearnerRepository,
    OfferRepository,
    Outbox,
    PersonRepository,
    PrivacyRepository,
    QuestionRepository,
    SearchIndex,
    ShareRepository,
    StoryRepository,
)
from facilitation.stats import StatsReader
from storage.repositories.alerts import SqlAlerts
from storage.repositories.announcements import SqlAnnouncements
from storage.repositories.courses import SqlCourses
from storage.repositories.dashboard import SqlDashboard
from storage.repositories.digests import SqlDigests
from storage.repositories.discussions import SqlDiscussions
from storage.repositories.export import SqlExport
from storage.repositories.following import SqlFollows
from storage.repositories.followups import SqlFollowups
from storage.repositories.guest_batches import SqlGuestBatches
from storage.repositories.guest_questions import SqlGuestQuestions
from storage.repositories.guest_sessions import SqlGuestSessions
from storage.repositories.helpers import SqlHelpers
from storage.repositories.highlights import SqlHighlights
from storage.repositories.introductions import SqlIntroductions
from storage.repositories.messaging import SqlGreetings, SqlOutbox
from storage.repositories.offers import SqlOffers
from storage.repositories.people import SqlLearners, SqlPeople
from storage.repositories.privacy import SqlPrivacy
from storage.repositories.questions import SqlQuestions
from storage.repositories.search import SqlSearch
from storage.repositories.sharing import SqlShares
from storage.repositories.stats import SqlStats
from storage.repositories.stories import SqlStories
from storage.transfer import move_chat


class Repositories:
    """The repositories of facilitation.ports.UnitOfWork."""

    courses: CourseRepository
    people: PersonRepository
    learners: LearnerRepository
    introductions: IntroductionRepository
    questions: QuestionRepository
    greetings: GreetingRepository
    alerts: AlertRepository
    followups: FollowupRepository
    guest_sessions: GuestSessionRepository
    guest_questions: GuestQuestionRepository
    guest_batches: GuestBatchRepository
    discussions: DiscussionRepository
    digests: DigestRepository
    privacy: PrivacyRepository
    search: SearchIndex
    offers: OfferRepository
    helpers: HelperRepository
    outbox: Outbox
    stats: StatsReader
    export: ExportReader
    announcements: AnnouncementRepository
    shares: ShareRepository
    follows: FollowRepository
    stories: StoryRepository
    dashboard: DashboardReader
    highlights: HighlightsReader


class PlainRepositories(Repositories):
    """Every repository, bound to one session."""

    def bind(self, session: AsyncSession) -> None:
        self._bound = session
        self.courses = SqlCourses(session)
        self.people = SqlPeople(session)
        self.learners = SqlLearners(session)
        self.introductions = SqlIntroductions(session)
        self.questions = SqlQuestions(session)
        self.greetings = SqlGreetings(session)
        self.alerts = SqlAlerts(session)
        self.followups = SqlFollowups(session)
        self.guest_sessions = SqlGuestSessions(session)
        self.guest_questions = SqlGuestQuestions(session)
        self.guest_batches = SqlGuestBatches(session)
        self.discussions = SqlDiscussions(session)
        self.digests = SqlDigests(session)
        self.privacy = SqlPrivacy(session)
        self.search = SqlSearch(session)
        self.offers = SqlOffers(session)
        self.helpers = SqlHelpers(session)
        self.outbox = SqlOutbox(session)
        self.stats = SqlStats(session)
        self.export = SqlExport(session)
        self.announcements = SqlAnnouncements(session)
        self.shares = SqlShares(session)
        self.follows = SqlFollows(session)
        self.stories = SqlStories(session)
        self.dashboard = SqlDashboard(session)
        self.highlights = SqlHighlights(session)

    async def move_chat(self, old_chat_id: int, new_chat_id: int, now: datetime) -> None:
        await move_chat(self._bound, old_chat_id, new_chat_id, now)
