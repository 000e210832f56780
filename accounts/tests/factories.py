import factory
from allauth.account.models import EmailAddress

from accounts.models import Role, Skill, User

DEFAULT_PASSWORD = "correct-horse-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    name = factory.Faker("name")
    role = Role.CLIENT
    title = factory.Faker("job")
    location = factory.Faker("city")
    email_verified = True

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or DEFAULT_PASSWORD)
        if create:
            self.save(update_fields=["password"])
            EmailAddress.objects.get_or_create(user=self, email=self.email,
                                               defaults={"primary": True, "verified": self.email_verified})


class ClientFactory(UserFactory):
    role = Role.CLIENT


class FreelancerFactory(UserFactory):
    role = Role.FREELANCER
    hourly_rate = factory.Faker("pydecimal", left_digits=2, right_digits=2, positive=True, min_value=20, max_value=99)


class StaffFactory(UserFactory):
    role = Role.ADMIN
    is_staff = True


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Skill {n}")
    slug = factory.Sequence(lambda n: f"skill-{n}")
