"""The marketplace's demo data: the category tree, skills and tags, open projects with proposals, and contracts in
every state for the demo people of accounts/seeding.py.

Everything goes through the services where one exists, so counters, events and audit rows come out as they do in
real use. Two things have no service because they are history, not actions: the dates (a demo posted "today" in
every row looks fake, so rows are moved back in time after creation) and the category/skill reference data.
Each object is looked up by a natural key first, so running the seed twice changes nothing.
"""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Skill, User
from accounts.services import skills_get_or_create

from .models import (
    BudgetType,
    Category,
    Contract,
    ExperienceLevel,
    Milestone,
    PortfolioItem,
    Project,
    Proposal,
    ProposalStatus,
    Review,
)
from .services import catalog, contracts, milestones, portfolio, projects, proposals, reviews
from .services import time as time_services

# Category tree: (name, icon, [subcategories]); icons are names from the Lucide set the front ends use.
CATEGORIES = [
    ("Web Development", "code", ["Frontend", "Backend & APIs", "Full-stack", "WordPress & CMS", "E-commerce"]),
    ("Mobile Development", "smartphone", ["iOS", "Android", "Cross-platform"]),
    ("Design & Creative", "palette", ["UI/UX Design", "Branding & Logo", "Illustration", "Photo Editing"]),
    ("Writing & Translation", "pen-tool", ["Copywriting", "Technical Writing", "Blog & Articles", "Translation"]),
    ("Sales & Marketing", "megaphone", ["SEO", "Social Media", "Email Marketing", "Paid Ads"]),
    ("Data Science & Analytics", "bar-chart-3", ["Data Analysis", "Machine Learning", "Data Engineering",
                                                 "BI & Dashboards"]),
    ("DevOps & Cloud", "cloud", ["Cloud Infrastructure", "CI/CD", "Kubernetes"]),
    ("Security", "shield-check", ["Security Audits", "Penetration Testing", "Compliance"]),
    ("Video & Audio", "clapperboard", ["Video Editing", "Motion Graphics", "Voice Over"]),
    ("AI & Automation", "bot", ["Chatbots & LLM Apps", "Workflow Automation"]),
    ("Quality Assurance", "badge-check", ["Manual Testing", "Test Automation", "Accessibility"]),
    ("Business & Finance", "briefcase", ["Bookkeeping", "Financial Modelling", "Virtual Assistance"]),
]

# Skill names grouped by the top-level category they belong to (Skill.category holds that name).
SKILLS = {
    "Web Development": ["HTML", "CSS", "JavaScript", "TypeScript", "React", "Vue.js", "Angular", "Next.js",
                        "Node.js", "Python", "Django", "Flask", "FastAPI", "PHP", "Laravel", "Ruby on Rails",
                        "REST APIs", "GraphQL", "WordPress", "Shopify", "PostgreSQL", "MySQL", "Redis"],
    "Mobile Development": ["Swift", "Kotlin", "Android", "iOS", "Flutter", "React Native", "Firebase"],
    "Design & Creative": ["Figma", "UI Design", "UX Research", "Branding", "Illustration", "Adobe Photoshop",
                          "Adobe Illustrator"],
    "Writing & Translation": ["Copywriting", "Technical Writing", "Content Strategy", "Translation",
                              "Proofreading"],
    "Sales & Marketing": ["SEO", "Google Ads", "Social Media Marketing", "Email Marketing"],
    "Data Science & Analytics": ["SQL", "Pandas", "Machine Learning", "Data Visualization", "Power BI", "Tableau",
                                 "Apache Airflow", "Metabase"],
    "DevOps & Cloud": ["Docker", "Kubernetes", "AWS", "Google Cloud", "Terraform", "CI/CD", "Linux"],
    "Security": ["Penetration Testing", "OWASP", "Security Auditing"],
    "Video & Audio": ["Video Editing", "Adobe Premiere Pro", "After Effects", "Motion Graphics"],
    "AI & Automation": ["OpenAI API", "LangChain", "NLP", "Zapier"],
    "Quality Assurance": ["Selenium", "Playwright", "Cypress", "Accessibility (WCAG)"],
    "Business & Finance": ["Bookkeeping", "Excel", "Financial Modeling"],
}

TAGS = ["long-term", "urgent", "startup", "redesign", "mvp", "api", "dashboard", "mobile-first", "accessibility",
        "ecommerce", "fintech", "content", "video", "remote-friendly"]

C1, C2, C3, SARAH = "client1@example.com", "client2@example.com", "client3@example.com", "sarah.client@example.com"
F1, F2, F3, F4, F5 = (f"freelancer{n}@example.com" for n in range(1, 6))

# Open projects: key -> (client, category slug, project fields). `days` is how long ago it was posted.
OPEN_PROJECTS = {
    "routes": (C1, "backend-apis", {
        "title": "Route optimisation API for last-mile deliveries",
        "description": "We run 140 vans across Lagos and Abuja. We need an API that takes the day's drop-offs, "
                       "van capacities and time windows and returns routes per driver, recalculated when a "
                       "driver reports a delay.\n\nExisting stack: Django, PostgreSQL with PostGIS, Celery. "
                       "You will get a year of anonymised delivery data to test against.",
        "budget_type": BudgetType.FIXED, "budget_min": 3000, "budget_max": 6000,
        "experience_level": ExperienceLevel.EXPERT, "estimated_duration": "6-8 weeks",
        "skills": ["Python", "Django", "PostgreSQL", "REST APIs"], "tags": ["api", "long-term"], "days": 2}),
    "metabase": (C1, "bi-dashboards", {
        "title": "Move our weekly reporting from Excel to Metabase",
        "description": "Every Monday three people spend half a day building Excel reports from database exports. "
                       "We want the same ten reports as Metabase dashboards reading a read replica, with "
                       "alerts when on-time delivery drops below 92%.",
        "budget_type": BudgetType.HOURLY, "budget_min": 35, "budget_max": 60,
        "experience_level": ExperienceLevel.INTERMEDIATE, "estimated_duration": "About 60 hours",
        "skills": ["SQL", "Metabase", "PostgreSQL", "Data Visualization"], "tags": ["dashboard"], "days": 5}),
    "chatbot": (C1, "chatbots-llm-apps", {
        "title": "Customer support chatbot prototype for delivery questions",
        "description": "Half of our support tickets ask 'where is my parcel?'. Build a prototype chatbot for our "
                       "website that answers from our tracking API and hands over to a person when unsure. "
                       "English first, Yoruba later.",
        "budget_type": BudgetType.FIXED, "budget_min": 1500, "budget_max": 2500,
        "experience_level": ExperienceLevel.INTERMEDIATE, "estimated_duration": "3 weeks",
        "skills": ["Python", "OpenAI API", "NLP"], "tags": ["mvp"], "days": 1}),
    "checkout": (C2, "ui-ux-design", {
        "title": "Redesign the checkout of our iOS and Android shopping app",
        "description": "Our checkout loses 38% of people between basket and payment. We want a research-backed "
                       "redesign in Figma: three usability sessions, a new flow, and a clickable prototype our "
                       "Flutter developers can build from.",
        "budget_type": BudgetType.FIXED, "budget_min": 2500, "budget_max": 4000,
        "experience_level": ExperienceLevel.EXPERT, "estimated_duration": "4 weeks",
        "skills": ["Figma", "UI Design", "UX Research"], "tags": ["redesign", "mobile-first", "ecommerce"],
        "days": 3}),
    "a11y": (C2, "accessibility", {
        "title": "Accessibility audit of our retail app (WCAG 2.2 AA)",
        "description": "Before the European Accessibility Act deadline we need an audit of our Flutter app and "
                       "web shop against WCAG 2.2 AA, with a prioritised list of fixes and screen-reader "
                       "recordings of the worst problems.",
        "budget_type": BudgetType.FIXED, "budget_min": 1200, "budget_max": 2000,
        "experience_level": ExperienceLevel.EXPERT, "estimated_duration": "2 weeks",
        "skills": ["Accessibility (WCAG)", "Flutter", "Playwright"], "tags": ["accessibility"], "days": 8}),
    "photos": (C2, "photo-editing", {
        "title": "Retouch 400 product photos for the spring catalogue",
        "description": "Clean white backgrounds, consistent shadows and colour-matched fabrics for 400 clothing "
                       "photos. We send RAW files in batches of 50; two-day turnaround per batch.",
        "budget_type": BudgetType.HOURLY, "budget_min": 20, "budget_max": 35,
        "experience_level": ExperienceLevel.ENTRY, "estimated_duration": "2-3 weeks",
        "skills": ["Adobe Photoshop"], "tags": ["ecommerce"], "days": 6}),
    "security": (C3, "security-audits", {
        "title": "Security review of our Django payments service",
        "description": "LedgerLeaf moves money for 30,000 small businesses. Review our payments service "
                       "(Django, DRF, Celery, PostgreSQL) for OWASP Top 10 issues, authorisation gaps between "
                       "tenants and unsafe money rounding. Written report plus a call with our team.",
        "budget_type": BudgetType.FIXED, "budget_min": 4000, "budget_max": 7500,
        "experience_level": ExperienceLevel.EXPERT, "estimated_duration": "3 weeks",
        "skills": ["Security Auditing", "OWASP", "Django", "Python"], "tags": ["fintech"], "days": 4}),
    "apidocs": (C3, "technical-writing", {
        "title": "Write the developer docs for our public ledger API",
        "description": "We have an OpenAPI schema and no docs people enjoy. Write a getting-started guide, "
                       "authentication and webhooks pages, and five recipes (invoices, refunds, payouts...) "
                       "with runnable curl and Python examples.",
        "budget_type": BudgetType.FIXED, "budget_min": 1800, "budget_max": 3000,
        "experience_level": ExperienceLevel.INTERMEDIATE, "estimated_duration": "1 month",
        "skills": ["Technical Writing", "REST APIs", "Python"], "tags": ["api", "content", "fintech"], "days": 9}),
    "k8s": (C3, "kubernetes", {
        "title": "Cut our GKE bill without losing reliability",
        "description": "Our Kubernetes cluster on Google Cloud costs more than our office. Review requests and "
                       "limits, autoscaling, node pools and spot usage, then implement the changes with "
                       "Terraform. Target: 35% lower monthly cost.",
        "budget_type": BudgetType.HOURLY, "budget_min": 70, "budget_max": 110,
        "experience_level": ExperienceLevel.EXPERT, "estimated_duration": "4-6 weeks, part time",
        "skills": ["Kubernetes", "Google Cloud", "Terraform"], "tags": ["long-term", "remote-friendly"], "days": 12}),
    "speed": (SARAH, "wordpress-cms", {
        "title": "Speed up our WordPress site and pass Core Web Vitals",
        "description": "greenwayfoods.com scores 38 on mobile PageSpeed. We use WooCommerce, Elementor and too "
                       "many plugins. Get LCP under 2.5 s on mobile without breaking the shop, and explain "
                       "what you changed so our agency can keep it that way.",
        "budget_type": BudgetType.FIXED, "budget_min": 600, "budget_max": 1200,
        "experience_level": ExperienceLevel.INTERMEDIATE, "estimated_duration": "1-2 weeks",
        "skills": ["WordPress", "SEO", "PHP"], "tags": ["urgent", "ecommerce"], "days": 1}),
    "blog": (SARAH, "blog-articles", {
        "title": "Monthly blog articles on seasonal, sustainable cooking",
        "description": "Four 1,200-word articles a month for our recipe blog: seasonal produce, reducing food "
                       "waste, cooking on a budget. Friendly tone, researched, with SEO briefs we provide.",
        "budget_type": BudgetType.HOURLY, "budget_min": 30, "budget_max": 45,
        "experience_level": ExperienceLevel.INTERMEDIATE, "estimated_duration": "Ongoing",
        "skills": ["Copywriting", "SEO", "Content Strategy"], "tags": ["content", "long-term"], "days": 7}),
    "instagram": (SARAH, "social-media", {
        "title": "Instagram content calendar and 30 post designs for autumn",
        "description": "Plan three months of Instagram posts around our autumn range and design 30 posts and "
                       "10 stories in our brand style (Canva or Figma, your choice). Captions included.",
        "budget_type": BudgetType.FIXED, "budget_min": 900, "budget_max": 1500,
        "experience_level": ExperienceLevel.ENTRY, "estimated_duration": "3 weeks",
        "skills": ["Social Media Marketing", "Figma", "Copywriting"], "tags": ["content"], "days": 10}),
    "reels": (SARAH, "video-editing", {
        "title": "Edit 12 short recipe videos for Reels and TikTok",
        "description": "We film recipes in our test kitchen on two cameras. Cut them into 30-45 second vertical "
                       "videos with captions, our intro sting and licensed music.",
        "budget_type": BudgetType.FIXED, "budget_min": 700, "budget_max": 1100,
        "experience_level": ExperienceLevel.INTERMEDIATE, "estimated_duration": "2 weeks",
        "skills": ["Video Editing", "Adobe Premiere Pro"], "tags": ["video", "content"], "days": 4}),
    "labels": (SARAH, "translation", {
        "title": "Translate product labels and packaging copy into French",
        "description": "We are entering Québec. Translate labels, packaging and the product pages of 45 items "
                       "from English into Canadian French, respecting the label-law wording we will share.",
        "budget_type": BudgetType.FIXED, "budget_min": 500, "budget_max": 900,
        "experience_level": ExperienceLevel.EXPERT, "estimated_duration": "10 days",
        "skills": ["Translation", "Proofreading"], "tags": ["ecommerce"], "days": 11}),
}

DRAFT_PROJECT = (C1, "full-stack", {
    "title": "Staff scheduling tool for our two warehouses",
    "description": "Draft: shifts, leave requests and overtime rules for 60 warehouse staff. Still collecting "
                   "requirements from the site managers before we publish.",
    "budget_type": BudgetType.FIXED, "budget_min": 5000, "budget_max": 9000,
    "experience_level": ExperienceLevel.INTERMEDIATE, "estimated_duration": "2-3 months",
    "skills": ["Django", "React"], "tags": ["long-term"], "days": 0})

# Proposals on the open projects: (project key, freelancer, bid terms, availability, cover letter, outcome).
PROPOSALS = [
    ("routes", F1, {"bid_amount": 5200}, "Can start next Monday, 30 h/week",
     "I built route planning for a grocery delivery start-up in Lisbon with OR-Tools behind a Django API, "
     "including re-planning when a driver is late. I would start from your PostGIS data, benchmark against last "
     "month's real routes and ship in three milestones.", ProposalStatus.SHORTLISTED),
    ("routes", F4, {"estimated_hours": 70, "hourly_rate": 80}, "Two weeks from now",
     "Vehicle routing with time windows is a problem I know from forecasting work for a Nairobi courier. I would "
     "prototype with OR-Tools in a notebook on your historic data first, so you see the savings before any API "
     "work starts.", None),
    ("metabase", F4, {"estimated_hours": 55, "hourly_rate": 60}, "Immediately, 20 h/week",
     "Replacing Monday Excel rituals is my favourite kind of project. I would rebuild your ten reports as "
     "Metabase questions on the replica, add the on-time alert and train the three people who build them today.",
     ProposalStatus.SHORTLISTED),
    ("metabase", F1, {"estimated_hours": 60, "hourly_rate": 55}, "From the 1st of next month",
     "I have set up Metabase for two logistics clients, both on PostgreSQL. Beyond the dashboards I would add "
     "read-only database roles and a small dbt layer so the numbers stay consistent between reports.", None),
    ("chatbot", F4, {"bid_amount": 2200}, "This week",
     "I have shipped two support assistants that answer from live APIs and hand over to a human below a "
     "confidence threshold. For you: tracking lookups as tools, conversation logs for review, and a Yoruba-ready "
     "prompt structure.", None),
    ("checkout", F2, {"bid_amount": 3400}, "Can start in 5 days",
     "Checkout redesigns are where research pays for itself. I would run three remote sessions with your "
     "customers, map where the 38% leave, and deliver a Figma flow with components your Flutter team can build "
     "one to one.", ProposalStatus.SHORTLISTED),
    ("checkout", F3, {"bid_amount": 2900}, "Next week",
     "I am a Flutter developer who designs: I would prototype the new checkout directly in Flutter so your "
     "usability tests run on real devices, then hand over both the Figma file and working widgets.", None),
    ("a11y", F3, {"bid_amount": 1600}, "Immediately",
     "I test Flutter apps with TalkBack and VoiceOver every week. You get a WCAG 2.2 AA audit with severity, "
     "screen-reader recordings of the worst issues, and fixes written as Flutter code snippets.", None),
    ("photos", F2, {"estimated_hours": 45, "hourly_rate": 30}, "Two-day turnaround per batch",
     "I retouch fashion photos for two Taipei labels: colour-matched fabrics and natural shadows on white. I "
     "would agree a reference look on the first five photos before doing the rest of each batch.",
     ProposalStatus.REJECTED),
    ("security", F1, {"bid_amount": 6800}, "In two weeks",
     "I have reviewed Django payment code for two fintechs and found tenant-isolation bugs in both. I would go "
     "through your DRF permissions and querysets, Celery tasks that move money, and Decimal rounding, and report "
     "with reproducible tests.", None),
    ("apidocs", F5, {"bid_amount": 2400}, "Monday",
     "Developer docs are writing for impatient people. I would start with a five-minute quickstart, then "
     "authentication, webhooks and your five recipes, each tested against the sandbox with curl and Python.",
     ProposalStatus.SHORTLISTED),
    ("k8s", F1, {"estimated_hours": 50, "hourly_rate": 90}, "15 h/week",
     "I cut a GKE bill by 41% last year for an e-commerce client: right-sized requests from real usage, spot "
     "node pools for workers, and scale-to-zero for staging. All changes in Terraform, reviewed by your team.",
     None),
    ("speed", F5, {"bid_amount": 950}, "Tomorrow",
     "I have taken three WooCommerce shops from red to green Core Web Vitals. For you: remove plugin bloat, "
     "image and font fixes, caching, and a one-page write-up of every change for your agency.", None),
    ("speed", F1, {"bid_amount": 1150}, "Next week",
     "I usually work on Django, but I have tuned several WordPress shops. I would profile first with real "
     "mobile traces, then fix the biggest LCP offenders and leave you a monitoring dashboard.", "withdrawn"),
    ("blog", F5, {"estimated_hours": 20, "hourly_rate": 38}, "Ongoing, 20 h/month",
     "Food and sustainability are what I write about for fun. Samples on seasonal produce and zero-waste "
     "cooking are in my portfolio; I work from your SEO briefs and add sources for every claim.", None),
    ("instagram", F2, {"bid_amount": 1300}, "Next Monday",
     "I design social content for food brands in my spare evenings. I would build a small post template "
     "system in Figma from your brand kit, so the 30 posts look like a family and your team can make more.",
     None),
    ("reels", F3, {"bid_amount": 950}, "In 10 days",
     "Besides apps I edit short videos for two cafés. Vertical cuts, burned-in captions, your sting and "
     "licensed music; first two videos in three days so you can adjust the style early.", None),
    ("labels", F5, {"bid_amount": 780}, "This week",
     "French is my mother tongue and I have localised packaging for the Québec market before, including the "
     "bilingual labelling rules. Every label is proofread by a second translator at no extra cost.", None),
]

# Contracts with history: key -> description of the project, the hire and what happened since.
CONTRACT_STORIES = [
    {
        "key": "dashboard", "client": C1, "freelancer": F1, "category": "bi-dashboards", "days": 34,
        "project": {
            "title": "Delivery analytics dashboard (Django + React)",
            "description": "Replace our spreadsheet reports with a live dashboard: on-time rate per depot, "
                           "late-delivery heat map, driver leaderboard and weekly PDF exports for the board.",
            "budget_type": BudgetType.FIXED, "budget_min": 4000, "budget_max": 6000,
            "experience_level": ExperienceLevel.EXPERT, "estimated_duration": "8 weeks",
            "skills": ["Django", "React", "PostgreSQL", "Data Visualization"], "tags": ["dashboard", "long-term"],
        },
        "proposal": {"bid_amount": 4800, "availability": "Full time from the 3rd",
                     "cover_letter": "I have built three logistics dashboards with Django REST and React. I "
                                     "propose four milestones so you see working screens every two weeks."},
        "milestones": [
            ("Data model and reporting API", 1200, "approved", "Depots, routes and deliveries modelled; "
             "aggregation endpoints with tests.", "API live on staging: https://staging.example.com/api/reports/ "
             "— 48 tests, OpenAPI schema attached."),
            ("Dashboard screens", 1400, "submitted", "On-time rate, heat map and leaderboard screens in React.",
             "All three screens deployed to staging. Heat map uses your depot boundaries; leaderboard updates "
             "every 5 minutes."),
            ("Alerts and PDF exports", 1200, "in_progress", "E-mail alerts below 92% on-time, weekly board PDF.",
             ""),
            ("Launch and handover", 1000, "pending", "Production deploy, runbook and a training session.", ""),
        ],
    },
    {
        "key": "maintenance", "client": C1, "freelancer": F1, "category": "backend-apis", "days": 20,
        "project": {
            "title": "Ongoing Django maintenance and on-call support",
            "description": "Keep our Django and Celery services healthy: dependency upgrades, bug fixes, and "
                           "being reachable for incidents during Lagos business hours.",
            "budget_type": BudgetType.HOURLY, "budget_min": 55, "budget_max": 70,
            "experience_level": ExperienceLevel.EXPERT, "estimated_duration": "Ongoing",
            "skills": ["Django", "Python", "Redis"], "tags": ["long-term"],
        },
        "proposal": {"estimated_hours": 15, "hourly_rate": 65, "availability": "15 h/week, overlapping 9-13 WAT",
                     "cover_letter": "I already know your codebase from the dashboard work, so there is no "
                                     "ramp-up: I can take upgrades and incidents from day one."},
        "milestones": [],
        "time": [(2.5, "Upgraded Celery and Redis client on staging, ran the full test suite"),
                 (3.0, "Fixed duplicate delivery notifications (race in the webhook handler)"),
                 (1.5, "Incident: slow depot report, added an index on deliveries(depot_id, date)"),
                 (2.0, "Dependency review and security patches")],
    },
    {
        "key": "portal", "client": C1, "freelancer": F1, "category": "full-stack", "days": 95,
        "project": {
            "title": "Customer portal for shipment tracking",
            "description": "A portal where our business customers log in, track shipments on a map and download "
                           "proof-of-delivery documents.",
            "budget_type": BudgetType.FIXED, "budget_min": 2500, "budget_max": 3500,
            "experience_level": ExperienceLevel.INTERMEDIATE, "estimated_duration": "5 weeks",
            "skills": ["Django", "React", "REST APIs"], "tags": ["api"],
        },
        "proposal": {"bid_amount": 3000, "availability": "Immediately",
                     "cover_letter": "A tracking portal with maps and document downloads is close to what I "
                                     "built for a Lisbon courier; I can reuse the proven architecture."},
        "milestones": [
            ("Portal with tracking and documents", 3000, "approved", "Log-in, shipment list, map and PDF "
             "downloads.", "Deployed to portal.brightpath.example; handover notes in the repository."),
        ],
        "complete": True,
        "reviews": [(C1, 5, {"quality": 5, "communication": 5, "timeliness": 4, "value": 5},
                     "Alex understood our customers better than we did. The portal cut tracking calls by half."),
                    (F1, 5, {"communication": 5},
                     "Clear requirements, quick answers and fast approvals. Would happily work with Daniel again.")],
    },
    {
        "key": "loyalty", "client": C2, "freelancer": F3, "category": "cross-platform", "days": 18,
        "project": {
            "title": "Loyalty app for Nordic retail stores (Flutter)",
            "description": "A Flutter loyalty app: digital card with barcode, offers per store, push messages "
                           "and sign-in with BankID.",
            "budget_type": BudgetType.FIXED, "budget_min": 6000, "budget_max": 9000,
            "experience_level": ExperienceLevel.EXPERT, "estimated_duration": "10 weeks",
            "skills": ["Flutter", "Firebase", "Kotlin"], "tags": ["mobile-first", "ecommerce"],
        },
        "proposal": {"bid_amount": 7500, "availability": "Full time",
                     "cover_letter": "I have shipped four retail apps in Flutter, one with BankID sign-in. "
                                     "Two milestones: the card and offers first, then push and BankID."},
        "milestones": [
            ("Digital card and offers", 4000, "funded", "Barcode card, store offers, offline mode.", ""),
            ("Push messages and BankID sign-in", 3500, "pending", "Segmented push, BankID flow.", ""),
        ],
    },
    {
        "key": "designsystem", "client": C2, "freelancer": F2, "category": "ui-ux-design", "days": 70,
        "project": {
            "title": "Design system for our loyalty app",
            "description": "Colours, typography, components and a Figma library our developers can follow.",
            "budget_type": BudgetType.FIXED, "budget_min": 2000, "budget_max": 3000,
            "experience_level": ExperienceLevel.EXPERT, "estimated_duration": "4 weeks",
            "skills": ["Figma", "UI Design"], "tags": ["redesign"],
        },
        "proposal": {"bid_amount": 2600, "availability": "In a week",
                     "cover_letter": "I build design systems that developers enjoy: tokens first, then "
                                     "components with every state documented in Figma."},
        "milestones": [("Figma library and guidelines", 2600, "approved", "Tokens, 40 components, usage notes.",
                        "Library published to your Figma team; guidelines page linked in the file.")],
        "complete": True,
        "reviews": [(C2, 5, {"quality": 5, "communication": 4},
                     "Beautiful, thorough work. Our developers stopped asking which grey to use."),
                    (F2, 4, {}, "Friendly team with clear feedback; the scope grew a little but Emma was fair.")],
    },
    {
        "key": "campaign", "client": SARAH, "freelancer": F5, "category": "copywriting", "days": 50,
        "project": {
            "title": "Landing page copy for our spring campaign",
            "description": "Headline, body copy and three e-mail subject lines for the spring range launch.",
            "budget_type": BudgetType.FIXED, "budget_min": 400, "budget_max": 700,
            "experience_level": ExperienceLevel.INTERMEDIATE, "estimated_duration": "1 week",
            "skills": ["Copywriting", "SEO"], "tags": ["content"],
        },
        "proposal": {"bid_amount": 550, "availability": "This week",
                     "cover_letter": "Seasonal food launches are my speciality; I will give you two headline "
                                     "directions and A/B-ready subject lines."},
        "milestones": [("Campaign copy", 550, "approved", "Landing page and e-mail copy.",
                        "Copy doc shared, with two headline options and SEO notes.")],
        "complete": True,
        "reviews": [(SARAH, 4, {"quality": 4, "timeliness": 5}, "Punchy copy delivered early. The second headline "
                     "won our A/B test."),
                    (F5, 5, {}, "Sarah's brief was perfect and she answered questions within the hour.")],
    },
    {
        "key": "fraud", "client": C3, "freelancer": F4, "category": "machine-learning", "days": 25,
        "project": {
            "title": "Fraud scoring model for card payments",
            "description": "Train and deploy a model that scores card payments for fraud risk in under 50 ms, "
                           "with monitoring for drift.",
            "budget_type": BudgetType.HOURLY, "budget_min": 70, "budget_max": 95,
            "experience_level": ExperienceLevel.EXPERT, "estimated_duration": "3 months",
            "skills": ["Machine Learning", "Python", "Pandas", "SQL"], "tags": ["fintech", "long-term"],
        },
        "proposal": {"estimated_hours": 25, "hourly_rate": 80, "availability": "25 h/week",
                     "cover_letter": "I have built fraud models for mobile-money payments in Kenya, served "
                                     "under 20 ms with drift alerts. Happy to start with a two-week baseline."},
        "milestones": [],
        "time": [(4.0, "Feature engineering: merchant velocity and device features"),
                 (5.0, "Baseline gradient-boosted model, AUC 0.91 on the hold-out month"),
                 (3.5, "Latency tests of the scoring endpoint (p99 14 ms)")],
    },
]

PORTFOLIO = {
    F1: [("Courier tracking portal", "Django and React portal for a Lisbon courier: live maps, proof of delivery, "
          "role-based access for 300 business customers.", ["Django", "React", "PostgreSQL"]),
         ("Grocery route planner", "OR-Tools routing behind a Django API; 18% fewer kilometres per van.",
          ["Python", "Django", "REST APIs"]),
         ("Clinic booking API", "Multi-tenant booking API with Stripe payments, 99.95% uptime over two years.",
          ["Django", "REST APIs", "Redis"])],
    F2: [("Banking app design system", "Tokens, 60 components and accessibility notes for a Taiwanese neobank.",
          ["Figma", "UI Design"]),
         ("Tea house rebrand", "Logo, packaging and website for a family tea house in Taipei.",
          ["Branding", "Illustration"])],
    F3: [("Nordic grocery app", "Flutter app with scan-and-go checkout for 120 stores.", ["Flutter", "Firebase"]),
         ("Bike sharing Android app", "Native Kotlin app with BLE lock control.", ["Kotlin", "Android"])],
    F4: [("Demand forecasting for a courier", "Daily parcel-volume forecasts per depot, 6% MAPE.",
          ["Python", "Pandas", "Machine Learning"]),
         ("Mobile-money fraud model", "Gradient-boosted model scoring 2M transactions a day under 20 ms.",
          ["Machine Learning", "SQL"])],
    F5: [("Zero-waste cooking series", "Twelve SEO articles that tripled organic traffic in six months.",
          ["Copywriting", "SEO"]),
         ("Wine shop localisation", "English to French localisation of 300 product pages.",
          ["Translation", "Content Strategy"])],
}


def slugify_category(name: str) -> str:
    """"Backend & APIs" -> "backend-apis", "UI/UX Design" -> "ui-ux-design"."""
    return slugify(name.replace("&", " ").replace("/", " "))


def _user(email: str) -> User:
    return User.objects.get(email=email)


def _seed_categories(progress) -> dict[str, Category]:
    by_slug = {}
    for order, (name, icon, children) in enumerate(CATEGORIES, start=1):
        top, _ = Category.objects.update_or_create(
            slug=slugify_category(name), defaults={"name": name, "icon": icon, "parent": None,
                                                   "sort_order": order * 10, "is_active": True})
        by_slug[top.slug] = top
        for child_order, child in enumerate(children, start=1):
            node, _ = Category.objects.update_or_create(
                slug=slugify_category(child), defaults={"name": child, "parent": top, "sort_order": child_order,
                                                        "is_active": True})
            by_slug[node.slug] = node
        progress.advance()
    return by_slug


def _seed_skills_and_tags(progress) -> None:
    for category, names in SKILLS.items():
        skills = skills_get_or_create(names)
        Skill.objects.filter(pk__in=[s.pk for s in skills]).exclude(category=category).update(category=category)
    progress.advance()
    for name in TAGS:
        catalog.tag_get_or_create(name=name)
    progress.advance()


def _backdate(model, pk: int, days: float, *fields: str) -> None:
    """Seeding builds history: move a row's timestamps back so the demo reads like weeks of real use."""
    when = timezone.now() - timedelta(days=days)
    model.objects.filter(pk=pk).update(**dict.fromkeys(fields, when))


def _ensure_project(client_email: str, category: Category | None, data: dict, *, publish: bool = True) -> Project:
    client = _user(client_email)
    data = dict(data)
    days = data.pop("days", 0)
    project = Project.objects.filter(client=client, title=data["title"]).first()
    if project is None:
        project = projects.project_create(client=client, category=category, publish=publish, **data)
        fields = ("created_at", "published_at") if publish else ("created_at",)
        _backdate(Project, project.pk, days + 0.3, *fields)
        project.refresh_from_db()
    return project


def _ensure_proposal(project: Project, freelancer_email: str, terms: dict, availability: str, letter: str,
                     outcome=None) -> Proposal | None:
    freelancer = _user(freelancer_email)
    existing = Proposal.objects.filter(project=project, freelancer=freelancer).first()
    if existing is not None:
        return existing
    if not project.is_open:
        return None
    proposal = proposals.proposal_submit(project=project, freelancer=freelancer, cover_letter=letter,
                                         availability=availability, **terms)
    _backdate(Proposal, proposal.pk, max((timezone.now() - project.created_at).days - 1, 0) + 0.1, "created_at")
    client = project.client
    if outcome == ProposalStatus.SHORTLISTED:
        proposals.proposal_shortlist(proposal=proposal, actor=client)
    elif outcome == ProposalStatus.REJECTED:
        proposals.proposal_reject(proposal=proposal, actor=client, reason="Went with an in-house retoucher.")
    elif outcome == "withdrawn":
        proposals.proposal_withdraw(proposal=proposal, actor=freelancer)
    return proposal


def _play_milestone(milestone: Milestone, state: str, deliverables: str, *, client: User, freelancer: User,
                    days_ago: float) -> None:
    """Walk a milestone through the services to `state`.

    Funding is billing's business: billing calls milestone_mark_funded once an escrow is confirmed. The demo
    marks it funded directly (billing's own seed layer runs after this one and may add the money side).
    """
    if state == "pending":
        return
    milestones.milestone_mark_funded(milestone=milestone)
    if state == "funded":
        _backdate(Milestone, milestone.pk, days_ago, "funded_at")
        return
    milestones.milestone_start(milestone=milestone, actor=freelancer)
    if state == "in_progress":
        _backdate(Milestone, milestone.pk, days_ago, "funded_at")
        return
    milestones.milestone_submit(milestone=milestone, actor=freelancer, deliverables=deliverables)
    if state == "submitted":
        # Recent on purpose: work unanswered for 14 days is released automatically.
        _backdate(Milestone, milestone.pk, days_ago, "funded_at")
        _backdate(Milestone, milestone.pk, 2, "submitted_at")
        return
    milestones.milestone_approve(milestone=milestone, actor=client)
    _backdate(Milestone, milestone.pk, days_ago, "funded_at")
    _backdate(Milestone, milestone.pk, max(days_ago - 10, 2), "submitted_at")
    _backdate(Milestone, milestone.pk, max(days_ago - 12, 1.5), "approved_at")


def _log_time(contract: Contract, freelancer: User, tasks: list[tuple[float, str]]) -> None:
    """This week's time on an hourly contract, one entry a day from Monday, through the freelancer's manual
    entry (so the week and limit rules apply). Entries that would end in the future are left out."""
    now = timezone.now()
    monday = datetime.combine(time_services.week_start_of(now), datetime.min.time(), tzinfo=UTC)
    for day, (hours, description) in enumerate(tasks):
        start = monday + timedelta(days=day, hours=9)
        end = start + timedelta(hours=hours)
        if end > now:
            break
        time_services.time_entry_create_manual(contract=contract, actor=freelancer, start_time=start,
                                               end_time=end, description=description)


def _play_contract_story(story: dict, categories: dict[str, Category]) -> None:
    client, freelancer = _user(story["client"]), _user(story["freelancer"])
    project = Project.objects.filter(client=client, title=story["project"]["title"]).first()
    if project is not None:
        return  # the story was played on an earlier run
    project = _ensure_project(story["client"], categories.get(story["category"]),
                              {**story["project"], "days": story["days"] + 5})
    terms = dict(story["proposal"])
    letter, availability = terms.pop("cover_letter"), terms.pop("availability")
    proposal = proposals.proposal_submit(project=project, freelancer=freelancer, cover_letter=letter,
                                         availability=availability, **terms)
    plan = [{"title": title, "description": description, "amount": Decimal(amount),
             "due_date": (timezone.localdate() + timedelta(days=14 * index + 7 - story["days"])).isoformat()}
            for index, (title, amount, _state, description, _done) in enumerate(story["milestones"], start=1)]
    proposals.proposal_accept(proposal=proposal, actor=client, milestones=plan or None)
    contract = Contract.objects.get(proposal=proposal)
    # Seeding builds history: the hire happened `days` ago.
    _backdate(Proposal, proposal.pk, story["days"] + 3, "created_at", "decided_at")
    Contract.objects.filter(pk=contract.pk).update(start_date=timezone.localdate() - timedelta(days=story["days"]),
                                                   created_at=timezone.now() - timedelta(days=story["days"]))
    ordered = list(contract.milestones.order_by("order"))
    for index, (milestone, (_t, _a, state, _d, done)) in enumerate(zip(ordered, story["milestones"],
                                                                     strict=True)):
        _play_milestone(milestone, state, done, client=client, freelancer=freelancer,
                        days_ago=max(story["days"] - 12 * index - 2, 1))
    _log_time(contract, freelancer, story.get("time", []))
    if story.get("complete"):
        contract = contracts.contract_complete(contract=contract, actor=client)
        completed = timezone.now() - timedelta(days=max(story["days"] - 30, 3))
        Contract.objects.filter(pk=contract.pk).update(completed_at=completed)
        for reviewer_email, rating, breakdown, comment in story.get("reviews", []):
            reviews.review_submit(contract=contract, reviewer=_user(reviewer_email), rating=rating,
                                  comment=comment, **breakdown)
        # Both sides reviewed, so both are published; the dates follow the completion.
        reviewed = completed + timedelta(days=1)
        Review.objects.filter(contract=contract).update(created_at=reviewed, visible_at=reviewed)


def _seed_portfolio(progress) -> None:
    for email, items in PORTFOLIO.items():
        freelancer = _user(email)
        for order, (title, description, skills) in enumerate(items, start=1):
            if not PortfolioItem.objects.filter(freelancer=freelancer, title=title).exists():
                portfolio.portfolio_item_create(freelancer=freelancer, data={
                    "title": title, "description": description, "skills": skills, "sort_order": order,
                    "completed_on": timezone.localdate() - timedelta(days=90 * order)})
        progress.advance()


def seed_marketplace(progress) -> None:
    categories = _seed_categories(progress)
    _seed_skills_and_tags(progress)
    open_projects = {}
    for key, (client, category_slug, data) in OPEN_PROJECTS.items():
        open_projects[key] = _ensure_project(client, categories.get(category_slug), data)
        progress.advance()
    client, category_slug, data = DRAFT_PROJECT
    _ensure_project(client, categories.get(category_slug), data, publish=False)
    for key, freelancer, terms, availability, letter, outcome in PROPOSALS:
        _ensure_proposal(open_projects[key], freelancer, terms, availability, letter, outcome)
    progress.advance()
    for story in CONTRACT_STORIES:
        _play_contract_story(story, categories)
        progress.advance()
    _seed_portfolio(progress)
    catalog.categories_recount_all()
    progress.advance()


seed_marketplace.steps = len(CATEGORIES) + 2 + len(OPEN_PROJECTS) + 1 + len(CONTRACT_STORIES) + len(PORTFOLIO) + 1
