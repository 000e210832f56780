import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_clients(apps, schema_editor):
    Project = apps.get_model("marketplace", "Project")
    Proposal = apps.get_model("marketplace", "Proposal")
    Proposal.objects.filter(client__isnull=True).update(
        client_id=Subquery(Project.objects.filter(pk=OuterRef("project_id")).values("client_id")[:1]))


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("marketplace", "0008_projects_newest_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="proposal",
            name="client",
            field=models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="proposals_received", to=settings.AUTH_USER_MODEL),
        ),
        migrations.RunPython(copy_clients, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="proposal",
            name="client",
            field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="proposals_received", to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddIndex(
            model_name="proposal",
            index=models.Index(fields=["client", "-created_at"], name="proposals_client__5c65dd_idx"),
        ),
    ]
