"""Demo people: an admin, four clients and five freelancers, all with believable profiles."""

from decimal import Decimal

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.sites.models import Site

from .models import Role, User
from .services import user_set_skills

DEMO_PASSWORD = "password123"
ADMIN = {"email": "admin@megilance.com", "password": "admin123", "name": "Morgan Admin", "title": "Trust & Safety"}

CLIENTS = [
    {"email": "client1@example.com", "name": "Daniel Okafor", "title": "Founder, Brightpath Analytics",
     "location": "Lagos, Nigeria", "timezone": "Africa/Lagos",
     "bio": "Building analytics dashboards for logistics companies. I hire for web, data and design work."},
    {"email": "client2@example.com", "name": "Emma Lindqvist", "title": "Product lead, Nordhaven Studio",
     "location": "Stockholm, Sweden", "timezone": "Europe/Stockholm",
     "bio": "Small product studio shipping mobile apps for Nordic retailers."},
    {"email": "client3@example.com", "name": "Raj Mehta", "title": "CTO, LedgerLeaf",
     "location": "Bengaluru, India", "timezone": "Asia/Kolkata",
     "bio": "Fintech start-up. We look for careful backend engineers and security reviewers."},
    {"email": "sarah.client@example.com", "name": "Sarah Mitchell", "title": "Marketing director, Greenway Foods",
     "location": "Austin, USA", "timezone": "America/Chicago",
     "bio": "I run marketing for a regional food brand and hire writers, designers and WordPress developers."},
]

FREELANCERS = [
    {"email": "freelancer1@example.com", "name": "Alex Rivera", "title": "Full-stack developer (Django, React)",
     "hourly_rate": Decimal("65.00"), "location": "Lisbon, Portugal", "timezone": "Europe/Lisbon",
     "bio": "Ten years building web products end to end: Django APIs, React front ends, PostgreSQL tuning.",
     "skills": ["Python", "Django", "React", "PostgreSQL", "REST APIs"]},
    {"email": "freelancer2@example.com", "name": "Mei Chen", "title": "UI/UX and brand designer",
     "hourly_rate": Decimal("55.00"), "location": "Taipei, Taiwan", "timezone": "Asia/Taipei",
     "bio": "I design calm, accessible interfaces and design systems for SaaS teams.",
     "skills": ["Figma", "UI Design", "UX Research", "Branding"]},
    {"email": "freelancer3@example.com", "name": "Tomasz Nowak", "title": "Mobile engineer (Flutter, Kotlin)",
     "hourly_rate": Decimal("60.00"), "location": "Kraków, Poland", "timezone": "Europe/Warsaw",
     "bio": "Cross-platform apps with Flutter, native Android when it matters. Shipped 20+ apps.",
     "skills": ["Flutter", "Kotlin", "Android", "Firebase"]},
    {"email": "freelancer4@example.com", "name": "Amara Nwosu", "title": "Data scientist and ML engineer",
     "hourly_rate": Decimal("80.00"), "location": "Nairobi, Kenya", "timezone": "Africa/Nairobi",
     "bio": "Forecasting, recommendation systems and clear reporting for decision makers.",
     "skills": ["Python", "Machine Learning", "Pandas", "SQL"]},
    {"email": "freelancer5@example.com", "name": "Lucas Martin", "title": "Copywriter and SEO specialist",
     "hourly_rate": Decimal("40.00"), "location": "Lyon, France", "timezone": "Europe/Paris",
     "bio": "Conversion copy, long-form articles and technical SEO audits in English and French.",
     "skills": ["Copywriting", "SEO", "Content Strategy", "WordPress"]},
]


def _ensure_user(*, email, password, role, skills=None, **profile) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=password, role=role, **profile)
    else:
        for key, value in profile.items():
            setattr(user, key, value)
        user.role = role
        user.save()
    user.email_verified = True
    user.save(update_fields=["email_verified"])
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"primary": True, "verified": True})
    if skills:
        user_set_skills(user=user, names=skills)
    return user


def seed_accounts(progress) -> None:
    domain = settings.SITE_URL.split("://", 1)[-1].rstrip("/")
    Site.objects.update_or_create(pk=settings.SITE_ID, defaults={"domain": domain, "name": "MegiLance"})
    admin = User.objects.filter(email=ADMIN["email"]).first()
    if admin is None:
        admin = User.objects.create_superuser(email=ADMIN["email"], password=ADMIN["password"],
                                              name=ADMIN["name"], title=ADMIN["title"])
    admin.email_verified = True
    admin.is_verified = True
    admin.save(update_fields=["email_verified", "is_verified"])
    EmailAddress.objects.update_or_create(user=admin, email=admin.email, defaults={"primary": True, "verified": True})
    progress.advance()
    for data in CLIENTS:
        _ensure_user(password=DEMO_PASSWORD, role=Role.CLIENT, **data)
        progress.advance()
    for data in FREELANCERS:
        _ensure_user(password=DEMO_PASSWORD, role=Role.FREELANCER, is_verified=True, **data)
        progress.advance()


seed_accounts.steps = 1 + len(CLIENTS) + len(FREELANCERS)
