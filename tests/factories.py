import factory
from django.contrib.auth import get_user_model

from assessments.models import Candidate, Membership, Organisation, Question, QuestionRevision, Role
from rubrics.models import Criterion, Level, Rubric


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Org {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    password = factory.django.Password("pw-for-tests")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.HIRING_MANAGER


class CandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Candidate

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Candidate {n}")
    email = factory.LazyAttribute(lambda c: f"{c.name.replace(' ', '.').lower()}@example.test")


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    key = factory.Sequence(lambda n: f"question-{n}")
    title = factory.Sequence(lambda n: f"Question {n}")
    kind = "conceptual"

    @factory.post_generation
    def revision(obj, create, extracted, **kwargs):
        if create:
            QuestionRevision.objects.create(question=obj, number=1, prompt=extracted or f"Explain {obj.title}.")


class RubricFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rubric
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    key = factory.Sequence(lambda n: f"rubric-{n}")
    title = factory.Sequence(lambda n: f"Rubric {n}")

    @factory.post_generation
    def criteria(obj, create, extracted, **kwargs):
        if not create:
            return
        criterion = Criterion.objects.create(rubric=obj, position=1, name="Depth")
        for score in range(1, 5):
            Level.objects.create(criterion=criterion, score=score, label=f"L{score}", description=f"Anchor {score}")
